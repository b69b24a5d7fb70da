using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Faults;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>
/// A gateway with an admin key, a client key and a key with a $1 budget, in front of the fake provider: backend
/// <c>primary</c> always answers 503 and <c>secondary</c> answers, so route <c>smart</c> (primary, then secondary) fails
/// over on every request. Prices are $1 per prompt token and $2 per completion token.
/// </summary>
internal sealed class DashboardGateway : IAsyncDisposable
{
    public const string AdminKey = "dash-admin-key-0123456789abcdef";
    public const string ClientKey = "dash-client-key-0123456789abcdef";
    public const string BudgetKey = "dash-budget-key-0123456789abcdef";
    public const string UpstreamKey = "dash-upstream-secret-9876543210";
    public const string Route = "smart";

    private DashboardGateway(FakeProviderServer upstream, TestGateway gateway, CapturedLogs logs)
    {
        Upstream = upstream;
        Gateway = gateway;
        Logs = logs;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(gateway.BaseUrl) };
    }

    public FakeProviderServer Upstream { get; }

    public TestGateway Gateway { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Gets a client that neither follows redirects nor keeps cookies (tests send them by hand).</summary>
    public HttpClient Http { get; }

    public static async Task<DashboardGateway> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = UpstreamKey, Format = "openai" });
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:ApiKeys:0:Name"] = "ops",
            ["Gateway:ApiKeys:0:Key"] = AdminKey,
            ["Gateway:ApiKeys:0:Role"] = "Admin",
            ["Gateway:ApiKeys:1:Name"] = "app",
            ["Gateway:ApiKeys:1:Key"] = ClientKey,
            ["Gateway:ApiKeys:2:Name"] = "intern",
            ["Gateway:ApiKeys:2:Key"] = BudgetKey,
            ["Gateway:ApiKeys:2:MaxSpendUsd"] = "1",
            ["Gateway:ApiKeys:2:SpendResetPeriod"] = "Daily",
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Routes:0:Name"] = Route,
            ["LlmSettings:Routes:0:Backends:0"] = "primary",
            ["LlmSettings:Routes:0:Backends:1"] = "secondary",
        };
        AddBackend(settings, 0, "primary", "gpt-primary", upstream.BaseUrl, fault: "status=503");
        AddBackend(settings, 1, "secondary", "gpt-secondary", upstream.BaseUrl, fault: null);
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var logs = new CapturedLogs();
        var gateway = await TestGateway.StartAsync(settings, builder => builder.Logging.AddProvider(logs));
        return new DashboardGateway(upstream, gateway, logs);
    }

    /// <summary>A chat request on the route (it fails over from primary to secondary).</summary>
    public async Task<HttpResponseMessage> ChatAsync(string key, string model = Route, bool stream = false)
    {
        var json = $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},{{(stream ? "\"stream_options\":{\"include_usage\":true}," : string.Empty)}}"messages":[{"role":"user","content":"tell me about dashboards"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Real traffic: a failover, a streamed failover, a direct request, and a key's budget spent and then refused (429).</summary>
    /// <returns>The request ids: the failover, the refused one.</returns>
    public async Task<(string FailedOver, string Refused)> MakeTrafficAsync()
    {
        using var failover = await ChatAsync(ClientKey);
        Assert.Equal(HttpStatusCode.OK, failover.StatusCode);
        using var streamed = await ChatAsync(ClientKey, stream: true);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        using var direct = await ChatAsync(AdminKey, model: "secondary");
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        using var spends = await ChatAsync(BudgetKey, model: "secondary");
        Assert.Equal(HttpStatusCode.OK, spends.StatusCode);
        using var refused = await ChatAsync(BudgetKey, model: "secondary");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        return (failover.Headers.GetValues("x-request-id").Single(), refused.Headers.GetValues("x-request-id").Single());
    }

    /// <summary>A GET with an admin key, a session cookie, both or neither.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? key = null, string? cookie = null, string? forwardedProto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Posts the login form.</summary>
    public Task<HttpResponseMessage> LoginAsync(string key, string? forwardedProto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }) };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Logs in with the admin key and returns the <c>Cookie</c> header value to send.</summary>
    public async Task<string> SessionCookieAsync()
    {
        using var response = await LoginAsync(AdminKey);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        return setCookie.Split(';')[0];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        Logs.Dispose();
    }

    private static void AddBackend(Dictionary<string, string?> settings, int index, string name, string model, string upstreamUrl, string? fault)
    {
        var prefix = $"LlmSettings:Backends:{index}:";
        settings[prefix + "Name"] = name;
        settings[prefix + "Type"] = "OpenAI";
        settings[prefix + "BaseUrl"] = upstreamUrl + "/v1";
        settings[prefix + "ApiKey"] = UpstreamKey;
        settings[prefix + "ModelName"] = model;
        settings[prefix + "Priority"] = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[prefix + "CostPerMillionInputTokens"] = "1000000";
        settings[prefix + "CostPerMillionOutputTokens"] = "2000000";
        if (fault is not null)
        {
            settings[prefix + "Headers:" + FakeFault.Header] = fault;
        }
    }
}
