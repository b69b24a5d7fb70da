namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>
/// The OpenAI-compatible services with presets (<c>"Type": "OpenAICompatible", "Preset": "Groq"</c>): each preset supplies
/// the service's address and its differences from OpenAI's API.
/// </summary>
internal static class OpenAiPresets
{
    /// <summary>OpenAI's own API.</summary>
    public static readonly OpenAiDialect OpenAI = new("OpenAI", "https://api.openai.com/v1", RequiresApiKey: true, UsesMaxCompletionTokens: true, SendsStreamOptions: true, SupportsEmbeddings: true);

    /// <summary>Any server speaking the chat completions API, without a preset.</summary>
    public static readonly OpenAiDialect Generic = new("OpenAICompatible", null, RequiresApiKey: false, UsesMaxCompletionTokens: false, SendsStreamOptions: true, SupportsEmbeddings: true);

    /// <summary>Azure OpenAI (addresses are built from the resource, the deployment and the API version).</summary>
    public static readonly OpenAiDialect Azure = new("AzureOpenAI", null, RequiresApiKey: true, UsesMaxCompletionTokens: true, SendsStreamOptions: true, SupportsEmbeddings: true);

    private static readonly Dictionary<string, OpenAiDialect> ByName = new[]
    {
        new OpenAiDialect("Mistral", "https://api.mistral.ai/v1", RequiresApiKey: true, UsesMaxCompletionTokens: false, SendsStreamOptions: false, SupportsEmbeddings: true),
        new OpenAiDialect("Groq", "https://api.groq.com/openai/v1", RequiresApiKey: true, UsesMaxCompletionTokens: false, SendsStreamOptions: false, SupportsEmbeddings: false),
        new OpenAiDialect("DeepSeek", "https://api.deepseek.com/v1", RequiresApiKey: true, UsesMaxCompletionTokens: false, SendsStreamOptions: true, SupportsEmbeddings: false),
        new OpenAiDialect("XAI", "https://api.x.ai/v1", RequiresApiKey: true, UsesMaxCompletionTokens: false, SendsStreamOptions: true, SupportsEmbeddings: false),
        new OpenAiDialect("OpenRouter", "https://openrouter.ai/api/v1", RequiresApiKey: true, UsesMaxCompletionTokens: false, SendsStreamOptions: true, SupportsEmbeddings: false),
        new OpenAiDialect("Together", "https://api.together.xyz/v1", RequiresApiKey: true, UsesMaxCompletionTokens: false, SendsStreamOptions: false, SupportsEmbeddings: true),
        new OpenAiDialect("LMStudio", "http://localhost:1234/v1", RequiresApiKey: false, UsesMaxCompletionTokens: false, SendsStreamOptions: false, SupportsEmbeddings: true),
        new OpenAiDialect("VLLM", "http://localhost:8000/v1", RequiresApiKey: false, UsesMaxCompletionTokens: false, SendsStreamOptions: true, SupportsEmbeddings: true),
        new OpenAiDialect("LlamaCpp", "http://localhost:8080/v1", RequiresApiKey: false, UsesMaxCompletionTokens: false, SendsStreamOptions: false, SupportsEmbeddings: true),
    }.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the preset names, for messages and docs.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    /// <summary>Finds a preset by name (case-insensitive).</summary>
    public static OpenAiDialect? Find(string? name) => name is not null && ByName.TryGetValue(name.Trim(), out var dialect) ? dialect : null;
}
