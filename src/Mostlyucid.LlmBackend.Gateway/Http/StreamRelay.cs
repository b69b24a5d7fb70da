using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>Writes a streamed answer's updates in one API's format (OpenAI chunks, Anthropic events, Responses events).</summary>
internal interface IStreamUpdateWriter
{
    /// <summary>Writes one update.</summary>
    Task WriteAsync(ChatStreamUpdate update);

    /// <summary>Ends a stream that broke after it started, in the format's own error frame.</summary>
    Task ErrorAsync(LlmError error);
}

/// <summary>What a relayed stream ended with: its finish reason, usage and cost (the last of each the updates carried).</summary>
internal readonly record struct RelayedStream(string? FinishReason, LlmUsage? Usage, decimal? CostUsd);

/// <summary>
/// The loop every streaming endpoint shares: write each update, keep the last finish reason, usage and cost, and end a
/// stream that breaks mid-answer with the format's error frame. The endpoint fetches the first update itself (a failure
/// before anything is sent is an ordinary HTTP error) and writes the format's closing frames from the result.
/// </summary>
internal static class StreamRelay
{
    /// <summary>Relays <paramref name="first"/> and the updates after it.</summary>
    /// <param name="updates">The stream, positioned on <paramref name="first"/>.</param>
    /// <param name="first">The first update (<see langword="null"/> for an empty stream).</param>
    /// <param name="writer">The format's writer, already started.</param>
    /// <returns>How the stream ended, or <see langword="null"/> when it broke and the error frame was written.</returns>
    public static async Task<RelayedStream?> RelayAsync(IAsyncEnumerator<ChatStreamUpdate> updates, ChatStreamUpdate? first, IStreamUpdateWriter writer)
    {
        string? finish = null;
        LlmUsage? usage = null;
        decimal? cost = null;
        var update = first;
        while (update is not null)
        {
            await writer.WriteAsync(update).ConfigureAwait(false);
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
            cost = update.CostUsd ?? cost;
            try
            {
                update = await updates.MoveNextAsync().ConfigureAwait(false) ? updates.Current : null;
            }
            catch (LlmBackendException ex)
            {
                await writer.ErrorAsync(ex.Error).ConfigureAwait(false);
                return null;
            }
        }

        return new RelayedStream(finish, usage, cost);
    }
}
