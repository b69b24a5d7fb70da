using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>
/// A chat response, or one line of a streamed one (the last has <c>done: true</c> with the reason and counts), or an
/// error line <c>{"error": "…"}</c>. Timings and <c>created_at</c> are not read.
/// </summary>
internal sealed class OllamaChatResponse
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("message")]
    public OllamaMessage? Message { get; set; }

    [JsonPropertyName("done")]
    public bool Done { get; set; }

    /// <summary>Gets or sets why generation stopped: <c>stop</c>, <c>length</c>, <c>load</c>, <c>unload</c>.</summary>
    [JsonPropertyName("done_reason")]
    public string? DoneReason { get; set; }

    /// <summary>Gets or sets the prompt tokens evaluated.</summary>
    [JsonPropertyName("prompt_eval_count")]
    public int PromptEvalCount { get; set; }

    /// <summary>Gets or sets the tokens generated.</summary>
    [JsonPropertyName("eval_count")]
    public int EvalCount { get; set; }

    /// <summary>Gets or sets the error of an error line in a stream.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; set; }
}
