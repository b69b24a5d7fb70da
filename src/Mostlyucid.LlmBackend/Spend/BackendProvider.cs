using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>Which provider's prices apply to a backend: its preset (Mistral, Groq, …) or its type; local servers cost nothing.</summary>
internal static class BackendProvider
{
    private static readonly HashSet<string> Local = new(StringComparer.OrdinalIgnoreCase)
    {
        LlmBackendTypes.Ollama, LlmBackendTypes.Mock, "LMStudio", "VLLM", "LlamaCpp",
    };

    /// <summary>Gets the provider name the catalog uses for a backend.</summary>
    public static string Of(LlmBackendConfig backend)
    {
        if (!string.IsNullOrWhiteSpace(backend.Preset))
        {
            return backend.Preset.Trim();
        }

        var type = backend.EffectiveBackendType;
        return string.Equals(type, LlmBackendTypes.AzureOpenAI, StringComparison.OrdinalIgnoreCase) ? LlmBackendTypes.OpenAI : type;
    }

    /// <summary>Gets whether the backend runs locally and costs nothing per token (Ollama, LM Studio, vLLM, llama.cpp, Mock).</summary>
    public static bool IsLocal(LlmBackendConfig backend) => Local.Contains(Of(backend));
}
