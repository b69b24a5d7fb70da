namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// The outcome of a completion or chat request: the answer and who produced it, or the error. Failures are values
/// (<see cref="Success"/> is <see langword="false"/>); call <see cref="EnsureSuccess"/> to turn one into an exception.
/// </summary>
public class LlmResponse
{
    /// <summary>Gets or sets the generated text.</summary>
    public string Content { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether the request produced an answer.</summary>
    public bool Success { get; set; }

    /// <summary>Gets or sets the name of the backend that answered (or, on failure, the last one tried).</summary>
    public string? BackendUsed { get; set; }

    /// <summary>Gets or sets the model that answered, as the provider reported it.</summary>
    public string? ModelUsed { get; set; }

    /// <summary>Gets or sets how long the request took, in milliseconds.</summary>
    public long DurationMs { get; set; }

    /// <summary>Gets or sets the tokens in the prompt, as the provider counted them.</summary>
    public int PromptTokens { get; set; }

    /// <summary>Gets or sets the tokens generated.</summary>
    public int CompletionTokens { get; set; }

    /// <summary>Gets or sets the total tokens billed.</summary>
    public int TotalTokens { get; set; }

    /// <summary>Gets or sets why generation stopped (<c>stop</c>, <c>length</c>, …), as the provider said.</summary>
    public string? FinishReason { get; set; }

    /// <summary>Gets or sets a short error code when <see cref="Success"/> is <see langword="false"/>.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Gets or sets the error message when <see cref="Success"/> is <see langword="false"/>.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Gets or sets the typed error when <see cref="Success"/> is <see langword="false"/>.</summary>
    public LlmError? Error { get; set; }

    /// <summary>
    /// Gets or sets every backend attempt made for this request, in order; the last successful one answered. Filled in by
    /// <c>ILlmService</c>; empty when a backend is called directly.
    /// </summary>
    public IReadOnlyList<BackendAttempt> Attempts { get; set; } = Array.Empty<BackendAttempt>();

    /// <summary>Throws <see cref="LlmBackendException"/> when the request failed.</summary>
    /// <returns>This response, for chaining.</returns>
    /// <exception cref="LlmBackendException">The request failed.</exception>
    public LlmResponse EnsureSuccess()
    {
        if (!Success)
        {
            throw new LlmBackendException(
                Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = ErrorMessage ?? "The request failed.", BackendName = BackendUsed },
                Attempts);
        }

        return this;
    }
}
