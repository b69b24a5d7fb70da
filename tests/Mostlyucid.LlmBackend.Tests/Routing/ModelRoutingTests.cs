using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Routing;

/// <summary>A request's Model as a routing key: routes (virtual models), backend names, configured models, or a pass-through.</summary>
public class ModelRoutingTests
{
    private static LlmTestHost ThreeBackends(Action<LlmSettings>? more = null) => LlmTestHost.Create(s =>
    {
        s.Backends.Add(Backend("cheap", 1, "small-model"));
        s.Backends.Add(Backend("smart-a", 2, "big-model"));
        s.Backends.Add(Backend("smart-b", 3, "big-model"));
        s.Routes.Add(new RouteConfig { Name = "smart", Backends = { "smart-b", "smart-a" }, SelectionStrategy = BackendSelectionStrategy.RoundRobin });
        more?.Invoke(s);
    });

    private static LlmBackendConfig Backend(string name, int priority, string model)
    {
        var backend = LlmTestHost.TestBackend(name, priority);
        backend.ModelName = model;
        return backend;
    }

    private static ChatRequest Ask(string? model) => new() { Model = model, Messages = { new ChatMessage { Content = "hi" } } };

    private static List<string?> CaptureModels(LlmTestHost host)
    {
        var seen = new List<string?>();
        foreach (var backend in host.Plugin.Backends.Values)
        {
            var inner = backend.Handler;
            backend.Handler = (request, ct) =>
            {
                lock (seen)
                {
                    seen.Add(request.Model);
                }

                return inner(request, ct);
            };
        }

        return seen;
    }

    [Fact]
    public async Task RouteName_UsesTheRoutesBackendsAndStrategy_AndIsNeverSentToTheProvider()
    {
        using var host = ThreeBackends();
        host.Llm.GetBackends();
        var models = CaptureModels(host);

        var first = await host.Llm.ChatAsync(Ask("smart"));
        var second = await host.Llm.ChatAsync(Ask("SMART"));

        Assert.Equal(new[] { "smart-b", "smart-a" }, new[] { first.BackendUsed, second.BackendUsed }.Order().Reverse());
        Assert.NotEqual(first.BackendUsed, second.BackendUsed);
        Assert.All(models, Assert.Null);
        Assert.Equal(0, host.Plugin.Backends["cheap"].Calls);
    }

    [Fact]
    public async Task RouteName_FailsOverOnlyWithinTheRoute()
    {
        using var host = ThreeBackends();
        host.Llm.GetBackends();
        host.Plugin.Backends["smart-a"].FailingWith("ServiceUnavailable", "down");
        host.Plugin.Backends["smart-b"].FailingWith("ServiceUnavailable", "down");

        var answer = await host.Llm.ChatAsync(Ask("smart"));

        Assert.False(answer.Success);
        Assert.Equal(new[] { "smart-a", "smart-b" }, answer.Attempts.Select(a => a.BackendName).Order());
        Assert.Equal(0, host.Plugin.Backends["cheap"].Calls);
    }

    [Fact]
    public async Task FailoverRoute_TriesItsBackendsInTheOrderItListsThem_NotByPriority()
    {
        using var host = ThreeBackends(s => s.Routes.Add(new RouteConfig { Name = "ordered", Backends = { "smart-b", "cheap" } }));
        host.Llm.GetBackends();
        host.Plugin.Backends["smart-b"].FailingWith("ServiceUnavailable", "down");

        var answer = await host.Llm.ChatAsync(Ask("ordered"));

        Assert.Equal(new[] { "smart-b", "cheap" }, answer.Attempts.Select(a => a.BackendName));
    }

    [Fact]
    public async Task BackendName_ReachesThatBackendOnly()
    {
        using var host = ThreeBackends();
        host.Llm.GetBackends();
        var models = CaptureModels(host);

        var answer = await host.Llm.ChatAsync(Ask("smart-b"));

        Assert.Equal("smart-b", answer.BackendUsed);
        Assert.Equal(new string?[] { null }, models);
    }

    [Fact]
    public async Task ConfiguredModel_ReachesTheBackendsServingIt()
    {
        using var host = ThreeBackends();
        host.Llm.GetBackends();
        host.Plugin.Backends["smart-a"].FailingWith("ServiceUnavailable", "down");

        var answer = await host.Llm.ChatAsync(Ask("big-model"));

        Assert.Equal("smart-b", answer.BackendUsed);
        Assert.Equal(new[] { "smart-a", "smart-b" }, answer.Attempts.Select(a => a.BackendName));
    }

    [Fact]
    public async Task OtherModel_IsPassedThroughToTheBackends()
    {
        using var host = ThreeBackends();
        host.Llm.GetBackends();
        var models = CaptureModels(host);

        var answer = await host.Llm.ChatAsync(Ask("some-new-model"));

        Assert.Equal("cheap", answer.BackendUsed);
        Assert.Equal(new string?[] { "some-new-model" }, models);
    }

    [Fact]
    public void RoutableModels_ListRoutesBackendsAndModels()
    {
        using var host = ThreeBackends();

        var names = host.Llm.GetRoutableModels();

        Assert.Equal(
            new[] { ("smart", RoutableModelKind.Route), ("cheap", RoutableModelKind.Backend), ("smart-a", RoutableModelKind.Backend), ("smart-b", RoutableModelKind.Backend), ("small-model", RoutableModelKind.Model), ("big-model", RoutableModelKind.Model) },
            names.Select(n => (n.Name, n.Kind)));
        Assert.Equal(new[] { "smart-a", "smart-b" }, names.Single(n => n.Name == "big-model").Backends);
    }

    [Fact]
    public void RouteProblems_AreReportedWithTheirPaths()
    {
        using var host = ThreeBackends(s =>
        {
            s.Routes.Add(new RouteConfig { Name = "cheap", Backends = { "cheap" } });
            s.Routes.Add(new RouteConfig { Name = "smart", Backends = { "nope" } });
            s.Routes.Add(new RouteConfig { Name = "", Backends = { } });
        });

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Contains("LlmSettings:Routes:1:Name: 'cheap' is also a backend's name; a model name must mean one thing.", error.Problems);
        Assert.Contains("LlmSettings:Routes:2:Name: 'smart' is the name of another route; route names must be unique.", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("LlmSettings:Routes:2:Backends: 'nope' is not the name of a configured backend", StringComparison.Ordinal));
        Assert.Contains("LlmSettings:Routes:3:Name: every route needs a Name (the model name clients will ask for).", error.Problems);
        Assert.Contains("LlmSettings:Routes:3:Backends: list at least one backend for route ''.", error.Problems);
    }

    [Fact]
    public void EnabledIfSet_DisablesTheBackendWhenTheVariableIsMissing_InsteadOfFailing()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("always"));
            s.Backends.Add(new LlmBackendConfig { Name = "keyed", Type = "OpenAI", ApiKey = "${LLMB_TEST_SURELY_UNSET}", EnabledIfSet = "LLMB_TEST_SURELY_UNSET" });
        });

        var keyed = host.Llm.GetBackends().Single(b => b.Name == "keyed");

        Assert.Equal(BackendStatus.Disabled, keyed.Status);
        Assert.Equal("EnabledIfSet: LLMB_TEST_SURELY_UNSET is not set", keyed.StatusReason);
    }
}
