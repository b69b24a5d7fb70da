using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// A backend's <c>gen_ai.provider.name</c>: the GenAI conventions' well-known value for its preset or type when there is
/// one (<c>openai</c>, <c>azure.ai.openai</c>, <c>anthropic</c>, <c>gcp.gemini</c>, <c>mistral_ai</c>, …), else the preset
/// or type in lower case (<c>ollama</c>, <c>vllm</c>, a plugin's <c>CustomBackendType</c>).
/// </summary>
internal static class GenAiProviderNames
{
    private static readonly Dictionary<string, string> WellKnown = new(StringComparer.OrdinalIgnoreCase)
    {
        [LlmBackendTypes.OpenAI] = "openai",
        [LlmBackendTypes.AzureOpenAI] = "azure.ai.openai",
        [LlmBackendTypes.Anthropic] = "anthropic",
        [LlmBackendTypes.Gemini] = "gcp.gemini",
        [LlmBackendTypes.Cohere] = "cohere",
        ["Mistral"] = "mistral_ai",
        ["MistralAI"] = "mistral_ai",
        ["Groq"] = "groq",
        ["DeepSeek"] = "deepseek",
        ["XAI"] = "x_ai",
        ["Perplexity"] = "perplexity",
        ["Bedrock"] = "aws.bedrock",
        ["AwsBedrock"] = "aws.bedrock",
        ["VertexAI"] = "gcp.vertex_ai",
        ["WatsonxAI"] = "ibm.watsonx.ai",
    };

    /// <summary>Gets the provider name for a backend's settings.</summary>
    public static string Of(LlmBackendConfig backend)
    {
        var name = !string.IsNullOrWhiteSpace(backend.Preset) ? backend.Preset.Trim() : backend.EffectiveBackendType;
        if (name.Length == 0)
        {
            return TelemetryNames.None;
        }

        return WellKnown.TryGetValue(name, out var known) ? known : name.ToLowerInvariant();
    }
}
