namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>The backend types the core library provides without any plugin.</summary>
public static class LlmBackendTypes
{
    /// <summary>OpenAI's API. <c>BaseUrl</c> defaults to <c>https://api.openai.com/v1</c>.</summary>
    public const string OpenAI = "OpenAI";

    /// <summary>Any server speaking OpenAI's chat completions API (vLLM, LM Studio, llama.cpp, …). <c>BaseUrl</c> is required.</summary>
    public const string OpenAICompatible = "OpenAICompatible";

    /// <summary>Azure OpenAI: <c>BaseUrl</c> is the resource (<c>https://NAME.openai.azure.com</c>), <c>ModelName</c> the deployment.</summary>
    public const string AzureOpenAI = "AzureOpenAI";

    /// <summary>Anthropic's Messages API. <c>BaseUrl</c> defaults to <c>https://api.anthropic.com</c>.</summary>
    public const string Anthropic = "Anthropic";

    /// <summary>Google's Gemini API. <c>BaseUrl</c> defaults to <c>https://generativelanguage.googleapis.com</c>.</summary>
    public const string Gemini = "Gemini";

    /// <summary>Ollama's native API. <c>BaseUrl</c> defaults to <c>http://localhost:11434</c>.</summary>
    public const string Ollama = "Ollama";

    /// <summary>Cohere's chat (v2) and embed APIs. <c>BaseUrl</c> defaults to <c>https://api.cohere.com</c>.</summary>
    public const string Cohere = "Cohere";

    /// <summary>Not a language model: deterministic answers, streams, tool calls and embeddings, with optional latency and faults (<c>ProviderOptions</c>). For trying things out and for tests.</summary>
    public const string Mock = "Mock";
}
