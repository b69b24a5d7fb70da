namespace Mostlyucid.LlmBackend.Models;

/// <summary>The provider wire formats <see cref="ProviderPassThrough"/> can be in.</summary>
public static class WireFormats
{
    /// <summary>OpenAI's chat completions format (OpenAI, Azure OpenAI and every OpenAI-compatible server).</summary>
    public const string OpenAi = "openai";

    /// <summary>Anthropic's Messages format.</summary>
    public const string Anthropic = "anthropic";
}
