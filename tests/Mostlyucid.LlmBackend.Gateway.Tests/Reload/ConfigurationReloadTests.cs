using System.Net;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Reload;

/// <summary>
/// The running gateway's configuration file edited as a user edits it: a changed route or key takes effect without a
/// restart; a broken change is refused with every problem listed (in <c>GET /admin/config</c> and the log) while the
/// old configuration keeps answering; a backend that remains keeps its circuit.
/// </summary>
public sealed class ConfigurationReloadTests
{
    [Fact]
    public async Task ChangedRoute_InTheRunningGatewaysFile_TakesEffect()
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings(routeTo: "a"));
        Assert.Equal((HttpStatusCode.OK, "a"), await gateway.ChatAsync("smart"));

        await gateway.SaveAsync(ReloadingGateway.Settings(routeTo: "b"));

        await ReloadingGateway.EventuallyAsync(async () => (await gateway.ChatAsync("smart")).Backend == "b", "route smart answered by b");
        var (_, status) = await gateway.StatusAsync();
        Assert.Equal(2, (long)status!["version"]!);
        Assert.Equal(2, (long)status["last_success"]!["version"]!);
        Assert.Contains("routes changed: smart", (string)status["last_success"]!["changes"]!, StringComparison.Ordinal);
        Assert.Null(status["last_failure"]);
    }

    [Fact]
    public async Task KeyAdded_IsAccepted_AndKeyRemoved_GetsA401_AfterTheReload()
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings());
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ChatAsync("a", ReloadingGateway.NewKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await gateway.ChatAsync("a", ReloadingGateway.UserKey)).Status);

        var settings = ReloadingGateway.Settings();
        settings["Gateway"]!["ApiKeys"] = new JsonArray(ReloadingGateway.Key("admin", ReloadingGateway.AdminKey, admin: true), ReloadingGateway.Key("newcomer", ReloadingGateway.NewKey));
        await gateway.SaveAsync(settings);

        await ReloadingGateway.EventuallyAsync(async () => (await gateway.ChatAsync("a", ReloadingGateway.NewKey)).Status == HttpStatusCode.OK, "the added key accepted");
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ChatAsync("a", ReloadingGateway.UserKey)).Status);
    }

    [Fact]
    public async Task BrokenChange_IsRefused_WithEveryProblemListedAndLogged_WhileTheOldConfigurationKeepsAnswering()
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings(routeTo: "a"));
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var answers = new List<(HttpStatusCode, string?)>();
            while (!stop.IsCancellationRequested)
            {
                answers.Add(await gateway.ChatAsync("smart"));
            }

            return answers;
        });

        var broken = ReloadingGateway.Settings(routeTo: "b");
        broken["Gateway"]!["MaxRequestBodyBytes"] = 0;
        broken["LlmSettings"]!["TimeoutSeconds"] = -5;
        broken["LlmSettings"]!["Backends"]![1]!["Type"] = "Nonexistent";
        await gateway.SaveAsync(broken);

        JsonNode? failure = null;
        await ReloadingGateway.EventuallyAsync(
            async () => (failure = (await gateway.StatusAsync()).Body!["last_failure"]) is not null,
            "the broken change listed in /admin/config");
        await Task.Delay(200);
        var after = await gateway.ChatAsync("smart");
        await stop.CancelAsync();
        var answers = await traffic;

        var problems = failure!["problems"]!.AsArray().Select(p => (string)p!).ToArray();
        Assert.Contains("Gateway:MaxRequestBodyBytes: must be greater than 0 (found 0).", problems);
        Assert.Contains("LlmSettings:TimeoutSeconds: must be greater than 0 (found -5).", problems);
        Assert.Contains(problems, p => p.Contains("Nonexistent", StringComparison.Ordinal));
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("The changed configuration was refused", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.Contains(p, warning, StringComparison.Ordinal));
        Assert.DoesNotContain(ReloadingGateway.UserKey, warning, StringComparison.Ordinal);
        Assert.Equal(1, (long)(await gateway.StatusAsync()).Body!["version"]!);
        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "a"), a));
        Assert.Equal((HttpStatusCode.OK, "a"), after);
    }

    [Fact]
    public async Task FileThatIsNotJson_IsRefused_WithItsPlace_WhileTheOldConfigurationKeepsAnswering()
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings());

        await gateway.SaveTextAsync("{ \"Gateway\": { \"ApiKeys\": [ }");

        JsonNode? failure = null;
        await ReloadingGateway.EventuallyAsync(
            async () => (failure = (await gateway.StatusAsync()).Body!["last_failure"]) is not null,
            "the broken file listed in /admin/config");
        Assert.Contains(failure!["problems"]!.AsArray(), p => ((string)p!).StartsWith("appsettings.json: the file is not valid JSON", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.OK, "a"), await gateway.ChatAsync("smart"));
    }

    [Fact]
    public async Task RemainingBackends_KeepTheirOpenCircuit_WhetherUnchangedOrChanged()
    {
        var settings = ReloadingGateway.Settings();
        settings["LlmSettings"]!["Resilience"]!["CircuitBreaker"] = new JsonObject { ["ConsecutiveFailures"] = 2, ["BreakSeconds"] = 600 };
        var backends = settings["LlmSettings"]!["Backends"]!.AsArray();
        backends.Add(Unreachable("down"));
        backends.Add(Unreachable("down-too"));
        await using var gateway = await ReloadingGateway.StartAsync(settings);
        foreach (var name in new[] { "down", "down", "down-too", "down-too" })
        {
            Assert.NotEqual(HttpStatusCode.OK, (await gateway.ChatAsync(name)).Status);
        }

        Assert.Equal(("Open", "Open"), await CircuitsAsync(gateway));

        var changed = JsonNode.Parse(settings.ToJsonString())!.AsObject();
        changed["LlmSettings"]!["Backends"]![3]!["ModelName"] = "another-model";
        changed["LlmSettings"]!["Routes"]![0]!["Backends"] = new JsonArray("b");
        await gateway.SaveAsync(changed);
        await ReloadingGateway.EventuallyAsync(async () => (await gateway.ChatAsync("smart")).Backend == "b", "the reload");

        Assert.Equal(("Open", "Open"), await CircuitsAsync(gateway));
        Assert.Contains("backends changed: down-too", (string)(await gateway.StatusAsync()).Body!["last_success"]!["changes"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadStatus_NeedsTheAdminKey()
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings());

        var (asUser, _) = await gateway.StatusAsync(ReloadingGateway.UserKey);
        var (withoutKey, _) = await gateway.StatusAsync(key: null);
        var (asAdmin, body) = await gateway.StatusAsync();

        Assert.Equal(HttpStatusCode.Forbidden, asUser);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey);
        Assert.Equal(HttpStatusCode.OK, asAdmin);
        Assert.Equal(1, (long)body!["version"]!);
        Assert.NotNull(body["last_success"]!["at"]);
        Assert.True(body.AsObject().ContainsKey("last_failure"));
    }

    private static JsonObject Unreachable(string name) => new()
    {
        ["Name"] = name,
        ["Type"] = "OpenAI",
        ["BaseUrl"] = "http://127.0.0.1:1/v1",
        ["ApiKey"] = "unused-upstream-key",
        ["ModelName"] = "gpt-" + name,
    };

    private static async Task<(string?, string?)> CircuitsAsync(ReloadingGateway gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ReloadingGateway.AdminKey);
        using var response = await gateway.Http.SendAsync(request);
        var backends = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["backends"]!.AsArray();
        string? Circuit(string name) => (string?)backends.Single(b => (string)b!["name"]! == name)!["circuit"];
        return (Circuit("down"), Circuit("down-too"));
    }
}
