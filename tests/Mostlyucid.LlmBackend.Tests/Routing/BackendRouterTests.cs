using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Routing;

/// <summary>Routing through ILlmService: strategy, preference, health and Enabled, observed from which backend answers.</summary>
public class BackendRouterTests
{
    private static ChatRequest Ask(string text, string? preferred = null) =>
        new() { PreferredBackend = preferred, Messages = { new ChatMessage { Content = text } } };

    [Fact]
    public async Task Failover_LowestPriorityAnswers()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("second", 2));
            s.Backends.Add(LlmTestHost.TestBackend("first", 1));
        });

        var answer = await host.Llm.ChatAsync(Ask("hi"));

        Assert.Equal("first", answer.BackendUsed);
        Assert.Equal("first: hi", answer.Content);
    }

    [Fact]
    public async Task DisabledBackend_IsNeverUsed_EvenWhenEverythingElseFails()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("on", 2));
            var off = LlmTestHost.TestBackend("off", 1);
            off.Enabled = false;
            s.Backends.Add(off);
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["on"].FailingWith("InternalServerError", "boom");

        var answer = await host.Llm.ChatAsync(Ask("hi"));

        Assert.False(answer.Success);
        Assert.False(host.Plugin.Backends.ContainsKey("off"));
        Assert.Equal(new[] { "on" }, answer.Attempts.Select(a => a.BackendName));
    }

    [Fact]
    public async Task PreferredBackend_GoesFirst_OthersStayAsFallbacks()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("a", 1));
            s.Backends.Add(LlmTestHost.TestBackend("b", 2));
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["b"].FailingWith("ServiceUnavailable", "down");

        var answer = await host.Llm.ChatAsync(Ask("hi", preferred: "B"));

        Assert.Equal("a", answer.BackendUsed);
        Assert.Equal(new[] { "b", "a" }, answer.Attempts.Select(a => a.BackendName));
    }

    [Fact]
    public async Task PreferredBackend_Unknown_IsAClearError()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(LlmTestHost.TestBackend("a")));

        var answer = await host.Llm.ChatAsync(Ask("hi", preferred: "nope"));

        Assert.Equal(LlmErrorKind.NoBackendAvailable, answer.Error!.Kind);
        Assert.Equal("Backend 'nope' does not exist. Configured backends: a.", answer.ErrorMessage);
    }

    [Fact]
    public async Task Specific_UsesOnlyTheNamedBackend_WithoutFailover()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.SelectionStrategy = BackendSelectionStrategy.Specific;
            s.DefaultBackend = "a";
            s.Backends.Add(LlmTestHost.TestBackend("a", 1));
            s.Backends.Add(LlmTestHost.TestBackend("b", 2));
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["a"].FailingWith("ServiceUnavailable", "down");

        var byDefault = await host.Llm.ChatAsync(Ask("x"));
        var named = await host.Llm.ChatAsync(Ask("x", preferred: "b"));

        Assert.False(byDefault.Success);
        Assert.Equal(new[] { "a" }, byDefault.Attempts.Select(a => a.BackendName));
        Assert.Equal("b", named.BackendUsed);
    }

    [Fact]
    public async Task Specific_WithoutAName_SaysWhatIsMissing()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.SelectionStrategy = BackendSelectionStrategy.Specific;
            s.Backends.Add(LlmTestHost.TestBackend("a"));
        });

        var answer = await host.Llm.ChatAsync(Ask("x"));

        Assert.Equal("The Specific selection strategy needs the request's PreferredBackend or LlmSettings:DefaultBackend to name a backend.", answer.ErrorMessage);
    }

    [Fact]
    public async Task RoundRobin_SpreadsRequestsEvenly()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.SelectionStrategy = BackendSelectionStrategy.RoundRobin;
            s.Backends.Add(LlmTestHost.TestBackend("a"));
            s.Backends.Add(LlmTestHost.TestBackend("b"));
            s.Backends.Add(LlmTestHost.TestBackend("c"));
        });

        for (var i = 0; i < 9; i++)
        {
            await host.Llm.ChatAsync(Ask("x"));
        }

        Assert.All(host.Plugin.Backends.Values, b => Assert.Equal(3, b.Calls));
    }

    [Fact]
    public async Task LowestLatency_PrefersTheFasterBackendOnceMeasured()
    {
        var time = new FakeTimeProvider();
        using var host = LlmTestHost.Create(
            s =>
            {
                s.SelectionStrategy = BackendSelectionStrategy.LowestLatency;
                s.Backends.Add(LlmTestHost.TestBackend("slow"));
                s.Backends.Add(LlmTestHost.TestBackend("fast"));
            },
            time);
        host.Llm.GetBackends();
        foreach (var (name, ms) in new[] { ("slow", 800), ("fast", 50) })
        {
            var backend = host.Plugin.Backends[name];
            var inner = backend.Handler;
            backend.Handler = async (r, ct) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(ms));
                return await inner(r, ct);
            };
        }

        await host.Llm.ChatAsync(Ask("warm-1", preferred: "slow"));
        await host.Llm.ChatAsync(Ask("warm-2", preferred: "fast"));
        var answers = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await host.Llm.ChatAsync(Ask("x"))).BackendUsed);
        }

        Assert.All(answers, a => Assert.Equal("fast", a));
    }

    [Fact]
    public async Task FailingBackend_LeavesRotationOnlyWhenItsCircuitOpens_AndOneProbeAfterTheBreakBringsItBack()
    {
        var time = new FakeTimeProvider();
        using var host = LlmTestHost.Create(
            s =>
            {
                s.Resilience.MaxRetries = 0;
                s.Resilience.CircuitBreaker.ConsecutiveFailures = 3;
                s.Resilience.CircuitBreaker.BreakSeconds = 15;
                s.Backends.Add(LlmTestHost.TestBackend("primary", 1));
                s.Backends.Add(LlmTestHost.TestBackend("secondary", 2));
            },
            time);
        host.Llm.GetBackends();
        var primary = host.Plugin.Backends["primary"];
        var healthy = primary.Handler;
        primary.FailingWith("ServiceUnavailable", "down");

        // Two failures in a row: still in rotation (one health model — no separate "unhealthy, try it last" state).
        await host.Llm.ChatAsync(Ask("1"));
        var second = await host.Llm.ChatAsync(Ask("2"));
        Assert.Equal("primary", second.Attempts[0].BackendName);
        await host.Llm.ChatAsync(Ask("3"));
        Assert.Equal("Open", (await host.Llm.GetHealthAsync()).Single(h => h.BackendName == "primary").CircuitState);
        Assert.False(host.Llm.GetStatistics().Backends.Single(b => b.BackendName == "primary").IsHealthy);

        primary.Handler = healthy;
        var whileOpen = await host.Llm.ChatAsync(Ask("4"));
        time.Advance(TimeSpan.FromSeconds(15));
        var probe = await host.Llm.ChatAsync(Ask("5"));

        Assert.Equal("secondary", whileOpen.BackendUsed);
        Assert.Single(whileOpen.Attempts);
        Assert.Equal("primary", probe.BackendUsed);
        Assert.Equal("Closed", (await host.Llm.GetHealthAsync()).Single(h => h.BackendName == "primary").CircuitState);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 3009);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 3010);
    }
}
