namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>The function names of QueryMT's plugin ABI (as its <c>impl_extism_http_plugin!</c> macro exports them).</summary>
internal static class PluginExports
{
    public const string Name = "name";
    public const string BaseUrl = "base_url";
    public const string ApiKeyName = "api_key_name";
    public const string ConfigSchema = "config_schema";
    public const string InitLogging = "init_logging";
    public const string FromConfig = "from_config";
    public const string ListModelsStatic = "list_models_static";
    public const string ListModelsRequest = "list_models_request";
    public const string ParseListModelsResponse = "parse_list_models_response";
    public const string ChatRequest = "chat_request";
    public const string ChatStreamRequest = "chat_stream_request";
    public const string ParseChatResponse = "parse_chat_response";
    public const string StreamParserStart = "chat_stream_parser_start";
    public const string StreamParserParse = "chat_stream_parser_parse";
    public const string StreamParserFinish = "chat_stream_parser_finish";
    public const string StreamParserClose = "chat_stream_parser_close";
    public const string EmbedRequest = "embed_request";
    public const string ParseEmbedResponse = "parse_embed_response";
    public const string CompleteRequest = "complete_request";
    public const string ParseCompleteResponse = "parse_complete_response";
    public const string SupportsStreaming = "supports_streaming";
    public const string ClassifyChatError = "classify_chat_error";
    public const string Chat = "chat";
    public const string ChatStream = "chat_stream";
    public const string Embed = "embed";
    public const string Complete = "complete";
    public const string ListModels = "list_models";

    /// <summary>The exports of the request/parse ABI (QueryMT's own test: with all of them, its host does the HTTP).</summary>
    public static readonly string[] Required = { Name, ChatRequest, ChatStreamRequest, ParseChatResponse, ListModelsRequest, ParseListModelsResponse };

    /// <summary>The exports of a plugin that does its own HTTP (what QueryMT's host falls back to without the request/parse ones).</summary>
    public static readonly string[] RequiredInPlugin = { Name, Chat };

    /// <summary>The exports that make streaming possible.</summary>
    public static readonly string[] Streaming = { ChatStreamRequest, StreamParserStart, StreamParserParse, StreamParserFinish };

    /// <summary>The exports that make embeddings possible.</summary>
    public static readonly string[] Embedding = { EmbedRequest, ParseEmbedResponse };

    /// <summary>The exports that make legacy completions possible.</summary>
    public static readonly string[] Completion = { CompleteRequest, ParseCompleteResponse };
}
