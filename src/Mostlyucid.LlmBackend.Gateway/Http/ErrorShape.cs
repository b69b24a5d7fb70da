namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>Which API's error body an endpoint answers with, so every SDK can read the gateway's errors.</summary>
internal enum ErrorShape
{
    /// <summary><c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    OpenAi,

    /// <summary><c>{"type": "error", "error": {"type", "message"}}</c>.</summary>
    Anthropic,

    /// <summary>Anthropic's when the request carries <c>anthropic-version</c> (Anthropic's SDKs always send it), else OpenAI's.</summary>
    ByClient,
}
