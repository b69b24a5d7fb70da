using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>A backend that streams answers. <c>BaseLlmBackend</c> implements it for every subclass (one update holding the whole answer, unless overridden).</summary>
public interface IStreamingLlmBackend
{
    /// <summary>Streams the answer to a conversation.</summary>
    /// <param name="request">The conversation and options.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The updates. A failure throws <see cref="LlmBackendException"/> from the enumeration.</returns>
    IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
