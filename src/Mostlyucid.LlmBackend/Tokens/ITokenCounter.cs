using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tokens;

/// <summary>
/// Counts a chat request's input tokens before sending it, for context-window decisions (and the gateway's
/// <c>POST /v1/messages/count_tokens</c>): exactly where the backend the request would go to can count (Anthropic), and
/// otherwise as an estimate from a real BPE tokenizer (<see cref="TokenEstimator"/>). Registered by <c>AddLlmBackend</c>.
/// </summary>
public interface ITokenCounter
{
    /// <summary>
    /// Counts the request's input tokens for the backend it would be routed to first: exact when that backend implements
    /// <see cref="Interfaces.ITokenCountingLlmBackend"/> and answers, an estimate otherwise (or when it fails).
    /// </summary>
    /// <param name="request">The request (its <c>Model</c> and <c>PreferredBackend</c> route it as a chat would be).</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count, with whether it is exact and the backend's context window when known.</returns>
    Task<TokenCount> CountAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
