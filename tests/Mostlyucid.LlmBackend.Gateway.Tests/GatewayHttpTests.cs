using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>What the SDKs do not show: headers, limits, bad bodies, health, and the gateway's own configuration checks.</summary>
[Collection(nameof(GatewayCollection))]
public sealed class GatewayHttpTests(GatewayFixture gateway)
{
    private HttpClient Http(string? key = GatewayFixture.Key)
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Response_NamesTheRequestTheBackendAndTheAttempts()
    {
        using var http = Http();
        http.DefaultRequestHeaders.Add("x-request-id", "my-trace-42");

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"smart","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("my-trace-42", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("openai-upstream", response.Headers.GetValues("x-llmb-backend").Single());
        Assert.Equal("2", response.Headers.GetValues("x-llmb-attempts").Single());
    }

    [Fact]
    public async Task XApiKeyHeader_IsAcceptedLikeBearer()
    {
        using var http = Http(key: null);
        http.DefaultRequestHeaders.Add("x-api-key", GatewayFixture.Key);

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TooLargeBody_Is413InTheApisErrorShape()
    {
        using var http = Http();
        var big = new string('x', 300_000);

        using var openAi = await http.PostAsync("/v1/chat/completions", Json($$"""{"model":"gpt-fake","messages":[{"role":"user","content":"{{big}}"}]}"""));
        using var anthropic = await http.PostAsync("/v1/messages", Json($$"""{"model":"gpt-fake","max_tokens":5,"messages":[{"role":"user","content":"{{big}}"}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, openAi.StatusCode);
        Assert.Equal("request_too_large", JsonNode.Parse(await openAi.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, anthropic.StatusCode);
        Assert.Equal("request_too_large", JsonNode.Parse(await anthropic.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}""", "not valid JSON")]
    [InlineData("""{"model":"gpt-fake","messages":[]}""", "'messages' is a required property")]
    [InlineData("""{"model":"gpt-fake","n":2,"messages":[{"role":"user","content":"hi"}]}""", "n greater than 1 is not supported")]
    [InlineData("""{"model":"gpt-fake","messages":[{"role":"wizard","content":"hi"}]}""", "'wizard' is not a valid role")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "you must provide a model parameter")]
    public async Task BadRequests_Are400WithAMessageSayingWhat(string body, string expected)
    {
        using var http = Http();

        using var response = await http.PostAsync("/v1/chat/completions", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownModel_Is404ListingWhatIsAvailable()
    {
        using var http = Http();

        using var response = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-99","messages":[{"role":"user","content":"hi"}]}"""));

        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("The model `gpt-99` does not exist on this gateway. Available models: smart, openai-upstream,", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyWithAllowedModels_SeesOnlyThose()
    {
        using var http = Http(GatewayFixture.LimitedKey);

        var models = JsonNode.Parse(await http.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToArray();

        Assert.Equal(new[] { "gpt-fake" }, models);
    }

    [Fact]
    public async Task KeyWithARequestLimit_IsToldToWaitWhenOverIt()
    {
        using var http = Http(GatewayFixture.MeteredKey);

        using var first = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"0"}]}"""));
        using var second = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"a"}]}"""));
        using var third = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"b"}]}"""));
        using var fourth = await http.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-fake","messages":[{"role":"user","content":"c"}]}"""));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.True(int.Parse(fourth.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
    }

    [Fact]
    public async Task Health_IsOpen_AndReadinessWithAKeyListsEveryBackend()
    {
        using var anonymous = Http(key: null);
        using var http = Http();

        using var live = await anonymous.GetAsync("/health");
        var ready = JsonNode.Parse(await http.GetStringAsync("/health/ready?probe=true"))!;

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ready", ready["status"]!.GetValue<string>());
        var backends = ready["backends"]!.AsArray();
        Assert.Equal(8, backends.Count);
        Assert.True(backends.Single(b => b!["name"]!.GetValue<string>() == "anthropic-upstream")!["reachable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Completions_LegacyEndpoint_AnswersAndStreams()
    {
        using var http = Http();

        var whole = JsonNode.Parse(await (await http.PostAsync("/v1/completions", Json("""{"model":"gpt-fake","prompt":"Say this"}"""))).Content.ReadAsStringAsync())!;
        using var stream = await http.PostAsync("/v1/completions", Json("""{"model":"gpt-fake","prompt":"Say this","stream":true}"""));
        var frames = (await stream.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text_completion", whole["object"]!.GetValue<string>());
        Assert.Equal("Echo from gpt-fake: Say this", whole["choices"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("data: [DONE]", frames[^1]);
        var text = string.Concat(frames[..^1].Select(f => JsonNode.Parse(f["data: ".Length..])!["choices"]![0]!["text"]!.GetValue<string>()));
        Assert.Equal("Echo from gpt-fake: Say this", text);
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheUpstreamCall()
    {
        var llm = gateway.Services.GetRequiredService<ILlmService>();
        var before = llm.GetStatistics();
        using var http = Http();

        // slow-mock streams a word every 400 ms (about 4 s in all); the client leaves after the first bytes.
        var started = System.Diagnostics.Stopwatch.StartNew();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json("""{"model":"slow-mock","stream":true,"messages":[{"role":"user","content":"a b c d e f"}]}""") })
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            Assert.True(await body.ReadAsync(new byte[64]) > 0);
        }

        while (llm.GetStatistics().TotalRequests == before.TotalRequests && started.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var after = llm.GetStatistics();
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"the upstream stream ran on for {started.Elapsed} after the client left");
        Assert.Equal(before.FailedRequests + 1, after.FailedRequests);
        Assert.Equal(
            before.Backends.Single(b => b.BackendName == "slow").SuccessfulRequests,
            after.Backends.Single(b => b.BackendName == "slow").SuccessfulRequests);
    }

    [Fact]
    public void LoopbackOnly_RewritesEveryNonLoopbackAddress()
    {
        Assert.Equal(
            "http://127.0.0.1:5000;http://localhost:6000;http://127.0.0.1:7000;http://[::1]:8000;https://127.0.0.1:9000/base",
            GatewayApplication.LoopbackOnly("http://0.0.0.0:5000;http://localhost:6000;http://*:7000;http://[::1]:8000;https://example.com:9000/base"));
    }

    [Fact]
    public void BadGatewayConfiguration_ListsEveryProblem()
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Create(
            new[] { "--urls", "http://127.0.0.1:0" },
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:MaxRequestBodyBytes"] = "0",
                ["Gateway:ApiKeys:0:Name"] = "a",
                ["Gateway:ApiKeys:0:KeySha256"] = "not-hex",
                ["Gateway:ApiKeys:1:Name"] = "a",
                ["Gateway:ApiKeys:1:Key"] = "short",
                ["Gateway:ApiKeys:2:Name"] = "b",
                ["Gateway:ApiKeys:2:Key"] = "${LLMB_TEST_SURELY_UNSET}",
                ["Gateway:ApiKeys:2:Keyy"] = "typo",
            })));

        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:ApiKeys:2:Keyy: unknown setting 'Keyy'. Did you mean 'Key'?", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:ApiKeys:0:KeySha256: must be 64 hexadecimal characters", StringComparison.Ordinal));
        Assert.Contains("Gateway:ApiKeys:1:Name: 'a' is used by another key; names must be unique.", error.Problems);
        Assert.Contains("Gateway:ApiKeys:1:Key: a key must be at least 16 characters long.", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:ApiKeys:2:Key references environment variable LLMB_TEST_SURELY_UNSET, which is not set.", StringComparison.Ordinal));
        Assert.Contains("Gateway:MaxRequestBodyBytes: must be greater than 0 (found 0).", error.Problems);
        Assert.DoesNotContain(error.Problems, p => p.Contains("short", StringComparison.Ordinal));
    }
}
