using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Reload;

/// <summary>
/// The configuration reloaded while the library runs: a good change is swapped in after the quiet time, a bad one is
/// refused with every problem while the running one serves, backends that remain keep their objects, statistics and
/// circuits, and a request in flight finishes on the configuration it began with.
/// </summary>
public sealed class ConfigurationReloaderTests
{
    [Fact]
    public async Task ChangedRoute_IsFollowedByNewRequests_AfterTheQuietTime()
    {
        var time = new FakeTimeProvider();
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "a")), time);
        Assert.Equal("a", (await host.Llm.ChatAsync(Ask("smart"))).BackendUsed);

        host.Change(Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "b")));
        time.Advance(ConfigurationReloader.QuietTime - TimeSpan.FromMilliseconds(1));
        var beforeQuiet = await host.Llm.ChatAsync(Ask("smart"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await host.Llm.ChatAsync(Ask("smart"));

        Assert.Equal("a", beforeQuiet.BackendUsed);
        Assert.Equal("b", after.BackendUsed);
        Assert.Equal(2, host.Reloader.Status.Version);
        Assert.Null(host.Reloader.Status.LastFailure);
        Assert.Contains(host.Logs.Messages(LogLevel.Information), m => m.StartsWith("Configuration reloaded: version 2 is in use (routes changed: smart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeveralChangesWithinTheQuietTime_AreOneReload()
    {
        var time = new FakeTimeProvider();
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "a")), time);

        host.Change(Config(Backend(0, "a"), Route(0, "smart", "a")));
        time.Advance(TimeSpan.FromMilliseconds(200));
        host.Change(Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "b")));
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, host.Reloader.Status.Version);
        time.Advance(ConfigurationReloader.QuietTime);

        Assert.Equal(2, host.Reloader.Status.Version);
        Assert.Equal("b", (await host.Llm.ChatAsync(Ask("smart"))).BackendUsed);
    }

    [Fact]
    public async Task BrokenChange_IsRefused_WithEveryProblemListedAndLogged_AndTheRunningConfigurationServes()
    {
        // The test's own clock: only the explicit Reload below reads the change (the watcher's quiet time never passes).
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "a")), new FakeTimeProvider());

        var broken = Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "b"));
        broken["LlmSettings:Backends:1:Type"] = "Nonexistent";
        broken["LlmSettings:TimeoutSeconds"] = "-5";
        host.Change(broken);
        var status = host.Reloader.Reload();

        Assert.Equal(1, status.Version);
        var problems = status.LastFailure!.Problems;
        Assert.Contains(problems, p => p.Contains("Nonexistent", StringComparison.Ordinal));
        Assert.Contains("LlmSettings:TimeoutSeconds: must be greater than 0 (found -5).", problems);
        var warning = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 6002);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.All(problems, p => Assert.Contains(p, warning.Message, StringComparison.Ordinal));
        Assert.Equal("a", (await host.Llm.ChatAsync(Ask("smart"))).BackendUsed);
        Assert.Equal("b/model-b", (await host.Llm.ChatAsync(Ask("b"))).Content);
    }

    [Fact]
    public async Task TheWatcherFiringAgainForTheSameBrokenSave_DoesNotRefuseItTwice_ButAnExplicitReloadChecksAgain()
    {
        var time = new FakeTimeProvider();
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a"), Route(0, "smart", "a")), time);
        var broken = Config(Backend(0, "a"), Route(0, "smart", "a"));
        broken["LlmSettings:TimeoutSeconds"] = "-5";

        host.Change(broken);
        time.Advance(ConfigurationReloader.QuietTime);
        host.Change(broken); // an editor's second write of the same save
        time.Advance(ConfigurationReloader.QuietTime);

        Assert.Single(host.Logs.Entries, e => e.EventId.Id == 6002);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 6006);
        Assert.Equal(1, host.Reloader.Status.Version);
        Assert.NotNull(host.Reloader.Status.LastFailure);

        host.Reloader.Reload();
        Assert.Equal(2, host.Logs.Entries.Count(e => e.EventId.Id == 6002));

        // Fixed: applied, and a later broken save of the same text is refused (and said) again.
        host.Change(Config(Backend(0, "a"), Route(0, "smart", "a")));
        host.Reloader.Reload();
        host.Change(broken);
        time.Advance(ConfigurationReloader.QuietTime);
        Assert.Equal(3, host.Logs.Entries.Count(e => e.EventId.Id == 6002));
    }

    [Fact]
    public async Task BackendThatCannotBeCreated_IsAProblem_AndNothingIsSwapped()
    {
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a")));

        var next = Config(Backend(0, "a"), Backend(1, "fragile"));
        next["LlmSettings:Backends:1:ProviderOptions:FailToCreate"] = "yes";
        host.Change(next);
        var status = host.Reloader.Reload();

        Assert.Equal(1, status.Version);
        Assert.Contains(status.LastFailure!.Problems, p => p.Contains("fragile", StringComparison.Ordinal) && p.Contains("could not be created", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Llm.GetBackends(), b => b.Name == "fragile");
    }

    [Fact]
    public async Task RemainingBackends_KeepTheirStatisticsAndCircuit_ChangedOnesGetANewBackendObject()
    {
        var settings = Config(Backend(0, "a"), Backend(1, "b"));
        settings["LlmSettings:Resilience:CircuitBreaker:ConsecutiveFailures"] = "2";
        settings["LlmSettings:Resilience:CircuitBreaker:BreakSeconds"] = "600";
        await using var host = await ReloadTestHost.StartAsync(settings);
        host.Plugin.Latest("a").Failing = true;
        await host.Llm.ChatAsync(Ask("a"));
        await host.Llm.ChatAsync(Ask("a"));
        await host.Llm.ChatAsync(Ask("b"));
        var oldB = host.Plugin.Latest("b");

        var next = new Dictionary<string, string?>(settings);
        next["LlmSettings:Backends:1:ModelName"] = "model-b2";
        foreach (var (key, value) in Backend(2, "c"))
        {
            next[key] = value;
        }

        host.Change(next);
        var status = host.Reloader.Reload();

        Assert.Equal(2, status.Version);
        Assert.Equal("backends added: c; backends changed: b", status.LastSuccess.Changes);
        var backends = host.Llm.GetStatistics().Backends.ToDictionary(b => b.BackendName);
        Assert.Single(host.Plugin.Created, b => b.Name == "a");
        Assert.Equal("Open", backends["a"].CircuitState);
        Assert.Equal(2, backends["a"].FailedRequests);
        Assert.Equal(1, backends["b"].SuccessfulRequests);
        Assert.True(oldB.Disposed);
        Assert.Equal("b/model-b2", (await host.Llm.ChatAsync(Ask("b"))).Content);
        Assert.Equal(2, host.Llm.GetStatistics().Backends.Single(b => b.BackendName == "b").SuccessfulRequests);
        Assert.Equal(CircuitOpenError, (await host.Llm.ChatAsync(Ask("a"))).Error?.Kind);
    }

    [Fact]
    public async Task RequestInFlight_FinishesOnTheConfigurationItBeganWith_ThenItsRemovedBackendIsDisposed()
    {
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "slow"), Route(0, "smart", "slow")));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Plugin.Gate = gate;
        host.Change(Config(Backend(0, "slow"), Backend(1, "held"), Route(0, "smart", "held")));
        host.Reloader.Reload();
        var held = host.Plugin.Latest("held");
        host.Plugin.Gate = null;

        var inFlight = host.Llm.ChatAsync(Ask("smart"));
        var streamInFlight = ReadStreamAsync(host, "smart");
        await WaitUntilAsync(() => held.Calls == 2);
        host.Change(Config(Backend(0, "fast"), Route(0, "smart", "fast")));
        var status = host.Reloader.Reload();
        var afterReload = await host.Llm.ChatAsync(Ask("smart"));
        var disposedWhileInFlight = held.Disposed;
        gate.SetResult();
        var answer = await inFlight;
        var streamed = await streamInFlight;

        Assert.Equal(3, status.Version);
        Assert.Equal("fast", afterReload.BackendUsed);
        Assert.False(disposedWhileInFlight);
        Assert.True(answer.Success, answer.Error?.Message);
        Assert.Equal(("held", "held/model-held"), (answer.BackendUsed, answer.Content));
        Assert.Equal("held/model-held", streamed);
        Assert.True(held.Disposed);
    }

    [Fact]
    public async Task StartupOnlySettingsChanged_AreReportedAsWaitingForARestart_AndTheRestReloads()
    {
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a"), Route(0, "smart", "a")));

        var next = Config(Backend(0, "a"), Backend(1, "b"), Route(0, "smart", "b"));
        next["LlmSettings:Monitoring:LatencyWindowSize"] = "50";
        host.Change(next);
        var status = host.Reloader.Reload();

        Assert.Equal(2, status.Version);
        Assert.Equal(new[] { "LlmSettings:Monitoring" }, status.LastSuccess.RestartNeeded);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 6003 && e.Message.Contains("LlmSettings:Monitoring", StringComparison.Ordinal));
        Assert.Equal("b", (await host.Llm.ChatAsync(Ask("smart"))).BackendUsed);
    }

    [Fact]
    public async Task UnchangedConfiguration_IsNotReloaded()
    {
        await using var host = await ReloadTestHost.StartAsync(Config(Backend(0, "a")));

        host.Change(Config(Backend(0, "a")));
        var status = host.Reloader.Reload();

        Assert.Equal(1, status.Version);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 6001);
        Assert.Single(host.Plugin.Created);
    }

    private const LlmErrorKind CircuitOpenError = LlmErrorKind.CircuitOpen;

    private static ChatRequest Ask(string model) => new() { Model = model, Messages = { new ChatMessage { Content = "hi" } } };

    private static async Task<string> ReadStreamAsync(ReloadTestHost host, string model)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var update in host.Llm.StreamChatAsync(Ask(model)))
        {
            text.Append(update.ContentDelta);
        }

        return text.ToString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(10);
        }
    }

    private static Dictionary<string, string?> Config(params IEnumerable<KeyValuePair<string, string?>>[] parts)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                all[key] = value;
            }
        }

        return all;
    }

    private static IEnumerable<KeyValuePair<string, string?>> Backend(int index, string name) => ReloadTestHost.Backend(index, name, "model-" + name, index + 1);

    private static IEnumerable<KeyValuePair<string, string?>> Route(int index, string name, params string[] backends)
    {
        yield return new($"LlmSettings:Routes:{index}:Name", name);
        for (var i = 0; i < backends.Length; i++)
        {
            yield return new($"LlmSettings:Routes:{index}:Backends:{i}", backends[i]);
        }
    }
}
