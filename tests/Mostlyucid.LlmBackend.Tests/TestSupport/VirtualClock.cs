namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>Runs work against a <see cref="FakeTimeProvider"/>, moving its time forward in small steps until the work is done.</summary>
public static class VirtualClock
{
    /// <summary>Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="work"/> completes (at most <paramref name="limit"/> of virtual time).</summary>
    public static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> work, TimeSpan? step = null, TimeSpan? limit = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(100);
        var until = time.GetUtcNow() + (limit ?? TimeSpan.FromMinutes(10));
        while (!work.IsCompleted)
        {
            if (time.GetUtcNow() >= until)
            {
                throw new TimeoutException($"The work did not finish within {limit ?? TimeSpan.FromMinutes(10)} of virtual time.");
            }

            // Let the work reach its next wait on the clock before moving the clock.
            await Task.Delay(2);
            time.Advance(by);
        }

        return await work;
    }

    /// <summary>Drains a stream, moving the clock while it waits.</summary>
    public static Task<(string Text, List<Models.ChatStreamUpdate> Updates, Models.LlmBackendException? Error)> StreamAsync(FakeTimeProvider time, IAsyncEnumerable<Models.ChatStreamUpdate> stream, TimeSpan? limit = null) =>
        RunAsync(time, DrainAsync(stream), limit: limit);

    private static async Task<(string, List<Models.ChatStreamUpdate>, Models.LlmBackendException?)> DrainAsync(IAsyncEnumerable<Models.ChatStreamUpdate> stream)
    {
        var updates = new List<Models.ChatStreamUpdate>();
        try
        {
            await foreach (var update in stream)
            {
                updates.Add(update);
            }

            return (string.Concat(updates.Select(u => u.ContentDelta)), updates, null);
        }
        catch (Models.LlmBackendException ex)
        {
            return (string.Concat(updates.Select(u => u.ContentDelta)), updates, ex);
        }
    }
}
