using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Telemetry;

/// <summary>Prometheus scrapes <c>/metrics</c> with an admin key: the text format, parsed line by line.</summary>
public sealed partial class MetricsEndpointTests : IAsyncLifetime
{
    private const string Admin = "admin-key-for-metrics-0123456789";
    private const string User = "user-key-for-metrics-0123456789";
    private FakeProviderServer _upstream = null!;
    private TestGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions());
        _gateway = await TestGateway.StartAsync(Settings());
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_NeedAnAdminKey()
    {
        using var none = await Client(null).GetAsync("/metrics");
        using var user = await Client(User).GetAsync("/metrics");
        using var admin = await Client(Admin).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task AScrape_IsPrometheusText_WithTheGatewaysRequests()
    {
        using var chat = await Client(User).PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        var samples = await ScrapeAsync(s => s.Name == "gen_ai_client_operation_duration_seconds_count" && s.Labels.Contains("llmb_backend=\"upstream\"", StringComparison.Ordinal));

        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.Contains("http_route=\"/v1/chat/completions\"", StringComparison.Ordinal) && s.Value >= 1);
        var duration = Assert.Single(samples, s => s.Name == "gen_ai_client_operation_duration_seconds_count" && s.Labels.Contains("llmb_backend=\"upstream\"", StringComparison.Ordinal));
        Assert.Contains("gen_ai_operation_name=\"chat\"", duration.Labels, StringComparison.Ordinal);
        Assert.Contains("gen_ai_request_model=\"gpt-fake\"", duration.Labels, StringComparison.Ordinal);
        Assert.Equal(1, duration.Value);
        Assert.Contains(samples, s => s.Name.StartsWith("gen_ai_client_token_usage", StringComparison.Ordinal) && s.Labels.Contains("gen_ai_token_type=\"input\"", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("llmb_attempts", StringComparison.Ordinal) && s.Labels.Contains("llmb_backend=\"upstream\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PerRequestBookkeepingInstruments_AreLeftOut_UnlessDetailedHttpMetricsAreAsked()
    {
        var settings = Settings();
        settings["Gateway:Telemetry:DetailedHttpMetrics"] = "true";
        await using var detailed = await TestGateway.StartAsync(settings);
        using var detailedAdmin = Client(detailed.BaseUrl, Admin);
        foreach (var client in new[] { Client(User), detailedAdmin })
        {
            using var chat = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        static bool ClientDuration(Sample s) => s.Name == "http_client_request_duration_seconds_count";
        var byDefault = await ScrapeAsync(ClientDuration);
        var withDetail = await ScrapeAsync(detailedAdmin, ClientDuration);

        // The durations are there either way; the per-request bookkeeping only when asked for.
        foreach (var samples in new[] { byDefault, withDetail })
        {
            Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count");
            Assert.Contains(samples, ClientDuration);
        }

        string[] bookkeeping = ["http_server_active_requests", "http_client_open_connections", "http_client_active_requests"];
        Assert.DoesNotContain(byDefault, s => bookkeeping.Any(name => s.Name.StartsWith(name, StringComparison.Ordinal)));
        Assert.Contains(withDetail, s => s.Name.StartsWith("http_server_active_requests", StringComparison.Ordinal));
        Assert.Contains(withDetail, s => s.Name.StartsWith("http_client_open_connections", StringComparison.Ordinal));
    }

    /// <summary>Scrapes until a sample matches (the exporter caches a scrape briefly), parsing every line strictly.</summary>
    internal static async Task<List<Sample>> ScrapeAsync(HttpClient admin, Func<Sample, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await admin.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
            var samples = Parse(await response.Content.ReadAsStringAsync());
            if (samples.Any(until) || DateTime.UtcNow > deadline)
            {
                return samples;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Parses Prometheus' text format: every line is a comment (# HELP/# TYPE/# EOF) or a sample.</summary>
    internal static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(CommentLine(), line);
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample: {line}");
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var number => double.Parse(number, System.Globalization.CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, match.Groups["labels"].Value, value));
        }

        return samples;
    }

    /// <summary>The gateway's settings: an admin key, a client key and one backend on the fake provider.</summary>
    private Dictionary<string, string?> Settings() => new()
    {
        ["Gateway:ApiKeys:0:Name"] = "ops",
        ["Gateway:ApiKeys:0:Key"] = Admin,
        ["Gateway:ApiKeys:0:Role"] = "Admin",
        ["Gateway:ApiKeys:1:Name"] = "app",
        ["Gateway:ApiKeys:1:Key"] = User,
        ["LlmSettings:Backends:0:Name"] = "upstream",
        ["LlmSettings:Backends:0:Type"] = "OpenAI",
        ["LlmSettings:Backends:0:BaseUrl"] = _upstream.BaseUrl + "/v1",
        ["LlmSettings:Backends:0:ApiKey"] = "k",
        ["LlmSettings:Backends:0:ModelName"] = "gpt-fake",
    };

    private HttpClient Client(string? key) => Client(_gateway.BaseUrl, key);

    private static HttpClient Client(string baseUrl, string? key)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    private Task<List<Sample>> ScrapeAsync(Func<Sample, bool> until) => ScrapeAsync(Client(Admin), until);

    [GeneratedRegex(@"^# (HELP|TYPE|UNIT|EOF)( .*)?$")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|Inf|NaN))( \d+)?$")]
    private static partial Regex SampleLine();

    /// <summary>One sample: a metric name, its labels as written, and its value.</summary>
    internal sealed record Sample(string Name, string Labels, double Value);
}
