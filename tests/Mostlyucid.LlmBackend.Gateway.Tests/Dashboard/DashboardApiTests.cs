using System.Net;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>
/// The admin JSON API the dashboard reads, over real traffic (a failover, a stream, a spent budget): what each endpoint
/// shows, and that every one needs an admin key or a dashboard session.
/// </summary>
public sealed class DashboardApiTests
{
    /// <summary>Every admin API endpoint, as a browser or script calls it.</summary>
    public static readonly TheoryData<string> Endpoints = new()
    {
        "/admin/api/overview",
        "/admin/api/backends",
        "/admin/api/spend",
        "/admin/api/requests",
        "/admin/api/requests/some-id",
        "/admin/api/config",
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AdminApi_WithoutKeyOrSession_Is401_WithAClientKey_Is403_WithAdminKeyOrSession_Answers(string path)
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var cookie = await gateway.SessionCookieAsync();

        using var anonymous = await gateway.GetAsync(path);
        using var client = await gateway.GetAsync(path, key: DashboardGateway.ClientKey);
        using var clientWithCookie = await gateway.GetAsync(path, key: DashboardGateway.ClientKey, cookie: cookie);
        using var forged = await gateway.GetAsync(path, cookie: "llmb_dashboard=" + new string('A', 43));
        using var admin = await gateway.GetAsync(path, key: DashboardGateway.AdminKey);
        using var session = await gateway.GetAsync(path, cookie: cookie);

        var answered = path.EndsWith("some-id", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK;
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clientWithCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(answered, admin.StatusCode);
        Assert.Equal(answered, session.StatusCode);
    }

    [Fact]
    public async Task Requests_ShowTheFailoverWithBothAttempts_AndTheBudgetRefusal()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var (failedOver, refused) = await gateway.MakeTrafficAsync();

        var list = await JsonAsync(gateway, "/admin/api/requests");
        var detail = await JsonAsync(gateway, "/admin/api/requests/" + failedOver);
        var refusal = await JsonAsync(gateway, "/admin/api/requests/" + refused);

        Assert.Equal(5, list["requests"]!.AsArray().Count);
        Assert.Equal(200, detail["status"]!.GetValue<int>());
        Assert.Equal("app", detail["key"]!.GetValue<string>());
        Assert.Equal("smart", detail["route"]!.GetValue<string>());
        Assert.Equal("secondary", detail["backend"]!.GetValue<string>());
        Assert.True(detail["failed_over"]!.GetValue<bool>());
        var attempts = detail["attempts"]!.AsArray();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(("primary", "primary", false), (attempts[0]!["backend"]!.GetValue<string>(), attempts[0]!["role"]!.GetValue<string>(), attempts[0]!["success"]!.GetValue<bool>()));
        Assert.Equal(503, attempts[0]!["status_code"]!.GetValue<int>());
        Assert.Equal(("secondary", "failover", true), (attempts[1]!["backend"]!.GetValue<string>(), attempts[1]!["role"]!.GetValue<string>(), attempts[1]!["success"]!.GetValue<bool>()));
        Assert.True(detail["cost_usd"]!.GetValue<decimal>() > 0);
        Assert.Equal(429, refusal["status"]!.GetValue<int>());
        Assert.Equal("intern", refusal["key"]!.GetValue<string>());
        Assert.Equal("refused", refusal["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Requests_Filter_ByStatusKeyAndBackend()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await gateway.MakeTrafficAsync();

        var errors = (await JsonAsync(gateway, "/admin/api/requests?status=error"))["requests"]!.AsArray();
        var byKey = (await JsonAsync(gateway, "/admin/api/requests?key=app"))["requests"]!.AsArray();
        var touchedPrimary = (await JsonAsync(gateway, "/admin/api/requests?backend=primary"))["requests"]!.AsArray();
        var limited = (await JsonAsync(gateway, "/admin/api/requests?limit=2"))["requests"]!.AsArray();
        using var bad = await gateway.GetAsync("/admin/api/requests?status=teapot", key: DashboardGateway.AdminKey);

        Assert.Equal(429, Assert.Single(errors)!["status"]!.GetValue<int>());
        Assert.Equal(2, byKey.Count);
        Assert.Equal(2, touchedPrimary.Count);
        Assert.Equal(2, limited.Count);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Overview_CountsRequestsErrorsAndFailovers_WithLatencyPercentiles()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await gateway.MakeTrafficAsync();

        var overview = await JsonAsync(gateway, "/admin/api/overview?window=5m");
        var totals = overview["totals"]!;

        Assert.Equal(5, totals["requests"]!.GetValue<long>());
        Assert.Equal(1, totals["errors"]!.GetValue<long>());
        Assert.Equal(2, totals["failovers"]!.GetValue<long>());
        Assert.NotNull(totals["latency_p50_ms"]!.GetValue<double?>());
        Assert.NotNull(totals["ttft_p50_ms"]!.GetValue<double?>());
        Assert.Equal(5, overview["points"]!.AsArray().Sum(p => p!["requests"]!.GetValue<long>()));
        Assert.Equal(10, overview["step_seconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task Backends_ShowBothWithHealthErrorsAndRoutes()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await gateway.MakeTrafficAsync();

        var backends = (await JsonArrayAsync(gateway, "/admin/api/backends")).ToDictionary(b => b!["name"]!.GetValue<string>());

        Assert.Equal(new[] { "primary", "secondary" }, backends.Keys.Order());
        Assert.True(backends["primary"]!["failures"]!.GetValue<long>() >= 2);
        Assert.NotNull(backends["primary"]!["last_error"]);
        Assert.Equal(4, backends["secondary"]!["successes"]!.GetValue<long>());
        Assert.Equal("smart", Assert.Single(backends["secondary"]!["routes"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task Spend_ShowsCostsByKeyAndDay_AndTheSpentBudget()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        await gateway.MakeTrafficAsync();

        var spend = await JsonAsync(gateway, "/admin/api/spend?group_by=key");
        var byBackend = await JsonAsync(gateway, "/admin/api/spend?group_by=backend");

        var totals = spend["totals"]!.AsArray().ToDictionary(t => t!["key"]!.GetValue<string>(), t => t!["cost_usd"]!.GetValue<decimal>());
        Assert.True(totals["app"] > 0);
        Assert.True(totals["intern"] >= 1m);
        Assert.Equal(totals.Values.Sum(), spend["days"]!.AsArray().Sum(d => d!["cost_usd"]!.GetValue<decimal>()));
        Assert.Contains(byBackend["totals"]!.AsArray(), t => t!["key"]!.GetValue<string>() == "secondary");
        var budget = Assert.Single(spend["budgets"]!.AsArray(), b => b!["scope"]!.GetValue<string>() == "caller:intern")!;
        Assert.True(budget["exhausted"]!.GetValue<bool>());
        Assert.NotNull(budget["resets_at"]);
    }

    [Fact]
    public async Task Config_ShowsBackendsRoutesAndKeys_ButNoSecret()
    {
        await using var gateway = await DashboardGateway.StartAsync();

        using var response = await gateway.GetAsync("/admin/api/config", key: DashboardGateway.AdminKey);
        var text = await response.Content.ReadAsStringAsync();
        var config = JsonNode.Parse(text)!;

        Assert.Equal(new[] { "ops", "app", "intern" }, config["keys"]!.AsArray().Select(k => k!["name"]!.GetValue<string>()));
        Assert.True(config["backends"]![0]!["api_key_set"]!.GetValue<bool>());
        Assert.Equal("smart", config["routes"]![0]!["name"]!.GetValue<string>());
        Assert.NotNull(config["reload"]!["last_success"]);
        Assert.DoesNotContain(DashboardGateway.UpstreamKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(DashboardGateway.AdminKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(DashboardGateway.ClientKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("status=503", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_Disabled_HasNoPagesNoApiAndJournalsNothing()
    {
        await using var gateway = await DashboardGateway.StartAsync(new Dictionary<string, string?> { ["Gateway:Dashboard:Enabled"] = "false" });
        using var chat = await gateway.ChatAsync(DashboardGateway.ClientKey);

        using var page = await gateway.GetAsync("/dashboard/");
        using var api = await gateway.GetAsync("/admin/api/requests", key: DashboardGateway.AdminKey);

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    private static async Task<JsonNode> JsonAsync(DashboardGateway gateway, string path)
    {
        using var response = await gateway.GetAsync(path, key: DashboardGateway.AdminKey);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonArray> JsonArrayAsync(DashboardGateway gateway, string path) => (await JsonAsync(gateway, path)).AsArray();
}
