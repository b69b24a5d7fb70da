using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// A backend whose provider counts a request's input tokens exactly, without generating (Anthropic's
/// <c>POST /v1/messages/count_tokens</c>). <see cref="Tokens.ITokenCounter"/> asks such a backend first and estimates otherwise.
/// </summary>
public interface ITokenCountingLlmBackend : ILlmBackend
{
    /// <summary>Counts the tokens the request's input (system prompt, messages, tools) would take.</summary>
    /// <param name="request">The request, as it would be sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The input tokens, as the provider counts them.</returns>
    /// <exception cref="LlmBackendException">The provider could not count them.</exception>
    Task<int> CountTokensAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
