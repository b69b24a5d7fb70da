using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>
/// A model in <c>/api/tags</c>. <c>name</c> (for example <c>llama3.2:latest</c>) is what requests name; older versions
/// send only <c>name</c>, newer ones also <c>model</c>. Sizes, digests, dates and details are not read.
/// </summary>
internal sealed class OllamaModel
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }
}
