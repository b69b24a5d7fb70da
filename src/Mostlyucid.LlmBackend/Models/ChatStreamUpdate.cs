namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// One step of a streamed answer. Concatenating every <see cref="ContentDelta"/> gives the answer's text; tool calls
/// arrive as <see cref="ToolCalls"/> fragments by index; the last updates carry <see cref="FinishReason"/> and
/// <see cref="Usage"/>. <see cref="ChatStreamAccumulator"/> rebuilds the full response.
/// </summary>
public sealed class ChatStreamUpdate
{
    /// <summary>Gets or sets the next piece of text.</summary>
    public string? ContentDelta { get; set; }

    /// <summary>Gets or sets the next piece of visible reasoning.</summary>
    public string? ReasoningDelta { get; set; }

    /// <summary>Gets or sets the reasoning's signature, when the provider sends one (at the end of the reasoning).</summary>
    public string? ReasoningSignature { get; set; }

    /// <summary>
    /// Gets or sets the log probabilities of this update's tokens as the provider sent them (OpenAI's chunk
    /// <c>choices[0].logprobs</c>), when they were asked for.
    /// </summary>
    public System.Text.Json.JsonElement? Logprobs { get; set; }

    /// <summary>Gets or sets tool call fragments.</summary>
    public List<ToolCallUpdate>? ToolCalls { get; set; }

    /// <summary>Gets or sets why generation stopped (see <see cref="FinishReasons"/>), on the update that ends it.</summary>
    public string? FinishReason { get; set; }

    /// <summary>Gets or sets token counts, usually on the last update.</summary>
    public LlmUsage? Usage { get; set; }

    /// <summary>
    /// Gets or sets, on the update that carries <see cref="Usage"/>, what the answer cost in US dollars (see
    /// <see cref="LlmResponse.CostUsd"/>); <see langword="null"/> on other updates and when the prices are not known.
    /// </summary>
    public decimal? CostUsd { get; set; }

    /// <summary>Gets or sets whether this update replays an answer from the response cache (no backend was called).</summary>
    public bool CacheHit { get; set; }

    /// <summary>Gets or sets the model that is answering, as the provider reported it.</summary>
    public string? ModelUsed { get; set; }

    /// <summary>Gets or sets the provider's id for the response.</summary>
    public string? ResponseId { get; set; }

    /// <summary>Gets or sets the backend that produced the update (set by <c>ILlmService</c>).</summary>
    public string? BackendUsed { get; set; }

    /// <summary>Gets or sets which attempt (1 for the first backend tried) produced the update (set by <c>ILlmService</c>).</summary>
    public int Attempt { get; set; }

    /// <summary>
    /// Gets or sets the request's attempts so far (every backend tried, and why each failed); complete once the stream
    /// has ended. Read it after the stream, not while it runs.
    /// </summary>
    public IReadOnlyList<BackendAttempt>? Attempts { get; set; }
}
