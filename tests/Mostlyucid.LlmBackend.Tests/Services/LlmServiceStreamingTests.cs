using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Services;

/// <summary>Streaming, embeddings and model listing through the router.</summary>
public class LlmServiceStreamingTests
{
    private static ChatRequest Ask(string text) => new() { Messages = { new ChatMessage { Content = text } } };

    private static async Task<(List<ChatStreamUpdate> Updates, LlmBackendException? Error)> DrainAsync(IAsyncEnumerable<ChatStreamUpdate> stream)
    {
        var updates = new List<ChatStreamUpdate>();
        try
        {
            await foreach (var update in stream)
            {
                updates.Add(update);
            }

            return (updates, null);
        }
        catch (LlmBackendException ex)
        {
            return (updates, ex);
        }
    }

    [Fact]
    public async Task Stream_ChatOnlyBackend_StreamsItsAnswerAsOneUpdate()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(LlmTestHost.TestBackend("plain")));

        var (updates, error) = await DrainAsync(host.Llm.StreamChatAsync(Ask("hello")));

        Assert.Null(error);
        var update = Assert.Single(updates);
        Assert.Equal("plain: hello", update.ContentDelta);
        Assert.Equal("plain", update.BackendUsed);
        Assert.Equal(FinishReasons.Stop, update.FinishReason);
        Assert.Equal(1, host.Llm.GetStatistics().SuccessfulRequests);
    }

    [Fact]
    public async Task Stream_FailureBeforeTheFirstUpdate_FailsOverInvisibly()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("primary", 1));
            s.Backends.Add(LlmTestHost.TestBackend("fallback", 2));
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["primary"].FailingWith("ServiceUnavailable", "down");

        var (updates, error) = await DrainAsync(host.Llm.StreamChatAsync(Ask("hello")));

        Assert.Null(error);
        Assert.Equal("fallback: hello", string.Concat(updates.Select(u => u.ContentDelta)));
        Assert.All(updates, u => Assert.Equal("fallback", u.BackendUsed));
        var stats = host.Llm.GetStatistics();
        Assert.Equal(1, stats.FailedOverRequests);
        Assert.Equal(1, stats.Backends.Single(b => b.BackendName == "primary").FailedRequests);
    }

    [Fact]
    public async Task Stream_AllFail_ThrowsATypedErrorListingEveryAttempt()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("a", 1));
            s.Backends.Add(LlmTestHost.TestBackend("b", 2));
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["a"].FailingWith("TooManyRequests", "slow down");
        host.Plugin.Backends["b"].FailingWith("BadGateway", "upstream broke");

        var (updates, error) = await DrainAsync(host.Llm.StreamChatAsync(Ask("hello")));

        Assert.Empty(updates);
        Assert.NotNull(error);
        Assert.Equal(LlmErrorKind.ServerError, error.Error.Kind);
        Assert.Equal(new[] { "a", "b" }, error.Attempts.Select(a => a.BackendName));
        Assert.Equal(1, host.Llm.GetStatistics().FailedRequests);
    }

    [Fact]
    public async Task Stream_TimeLimitBeforeTheFirstUpdate_FailsOverWithATimeout()
    {
        var time = new FakeTimeProvider();
        using var host = LlmTestHost.Create(
            s =>
            {
                s.Resilience.FirstTokenTimeoutSeconds = 10;
                s.Backends.Add(LlmTestHost.TestBackend("silent", 1));
                s.Backends.Add(LlmTestHost.TestBackend("fallback", 2));
            },
            time);
        host.Llm.GetBackends();
        var waiting = new TaskCompletionSource();
        host.Plugin.Backends["silent"].Handler = async (_, ct) =>
        {
            waiting.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return new LlmResponse();
        };

        var drain = DrainAsync(host.Llm.StreamChatAsync(Ask("x")));
        await waiting.Task;
        time.Advance(TimeSpan.FromSeconds(10));
        var (updates, error) = await drain;

        Assert.Null(error);
        Assert.Equal("fallback", updates[0].BackendUsed);
    }

    [Fact]
    public async Task Stream_CallerCancels_StopsWithoutFailingOver()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("a", 1));
            s.Backends.Add(LlmTestHost.TestBackend("b", 2));
        });
        host.Llm.GetBackends();
        using var cancellation = new CancellationTokenSource();
        host.Plugin.Backends["a"].Handler = async (_, ct) =>
        {
            await cancellation.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return new LlmResponse();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in host.Llm.StreamChatAsync(Ask("x"), cancellation.Token))
            {
            }
        });

        Assert.Equal(0, host.Plugin.Backends["b"].Calls);
    }

    [Fact]
    public async Task Embed_WithoutAnEmbeddingCapableBackend_SaysWhatIsNeeded()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(LlmTestHost.TestBackend("chat-only")));

        var response = await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "x" } });

        Assert.False(response.Success);
        Assert.Equal(LlmErrorKind.NoBackendAvailable, response.Error!.Kind);
        Assert.StartsWith("No ready backend can embed texts: it needs a provider with embeddings", response.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListModels_ReportsEachBackendsModels_AndNamesAnUnknownBackend()
    {
        using var host = LlmTestHost.Create(s =>
        {
            var a = LlmTestHost.TestBackend("a");
            a.ModelName = "model-a";
            s.Backends.Add(a);
        });

        var all = await host.Llm.ListModelsAsync();
        var unknown = await host.Llm.ListModelsAsync("nope");

        Assert.Equal(("model-a", "a"), (all.Models.Single().Id, all.Models.Single().BackendName));
        Assert.Empty(all.Models.Skip(1));
        Assert.Equal("Backend 'nope' does not exist. Configured backends: a.", Assert.Single(unknown.Errors).Message);
    }
}
