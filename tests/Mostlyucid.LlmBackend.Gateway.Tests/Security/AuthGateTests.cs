using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// The one gate: no spelling of any path reaches an endpoint without a valid key, unknown paths and methods get JSON
/// errors, restricted keys reach only their models and stay within their limits, request ids cannot be guessed.
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed partial class AuthGateTests(GatewayFixture gateway)
{
    private const string ChatBody = """{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}""";
    private const string MessagesBody = """{"model":"gpt-fake","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>Every endpoint, spelled every way a client (or an attacker) might: case, slashes, encoding, dot segments, methods.</summary>
    public static TheoryData<string, string> Spellings => new()
    {
        { "POST", "/v1/chat/completions" },
        { "POST", "/V1/chat/completions" },
        { "POST", "/v1/CHAT/Completions" },
        { "POST", "/v1/chat/completions/" },
        { "POST", "//v1/chat/completions" },
        { "POST", "/v1//chat/completions" },
        { "POST", "/v1/chat%2Fcompletions" },
        { "POST", "/v1/%63hat/completions" },
        { "POST", "/%76%31/chat/completions" },
        { "POST", "/v1/./chat/completions" },
        { "POST", "/x/../v1/chat/completions" },
        { "POST", "/v1/chat/completions?model=gpt-fake" },
        { "POST", "/V1/completions" },
        { "POST", "/V1/embeddings" },
        { "POST", "/V1/messages" },
        { "POST", "/v1/Messages" },
        { "GET", "/V1/models" },
        { "GET", "/V1/Models/gpt-fake" },
        { "HEAD", "/v1/models" },
        { "OPTIONS", "/v1/chat/completions" },
        { "PUT", "/v1/chat/completions" },
        { "GET", "/v1/chat/completions" },
        { "DELETE", "/V1/models/gpt-fake" },
        { "GET", "/health/ready?probe=true" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task NoKey_AnySpelling_NeverReachesAnEndpointOrABackend(string method, string target)
    {
        var before = gateway.Upstream.Requests.Count;
        var body = method is "POST" or "PUT" ? (target.Contains("messages", StringComparison.OrdinalIgnoreCase) ? MessagesBody : ChatBody) : null;

        var missing = await RawHttp.SendAsync(gateway.BaseUrl, method, target, new[] { "Content-Type: application/json" }, body);
        var wrong = await RawHttp.SendAsync(gateway.BaseUrl, method, target, new[] { "Content-Type: application/json", "Authorization: Bearer not-a-key-of-this-gateway" }, body);

        foreach (var response in new[] { missing, wrong })
        {
            Assert.Contains(response.Status, new[] { 401, 404, 405 });
            if (method != "HEAD")
            {
                Assert.NotNull(JsonNode.Parse(response.Body)!["error"]);
            }
        }

        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Theory]
    [InlineData("/V1/chat/completions")]
    [InlineData("/v1/CHAT/completions")]
    [InlineData("/v1/chat/completions/")]
    public async Task WithAKey_OtherSpellingsOfAnEndpoint_AreServedByIt(string target)
    {
        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", target, new[] { "Content-Type: application/json", $"Authorization: Bearer {GatewayFixture.Key}" }, ChatBody);

        Assert.Equal(200, response.Status);
        Assert.Equal("chat.completion", JsonNode.Parse(response.Body)!["object"]!.GetValue<string>());
    }

    [Fact]
    public void EveryEndpoint_SaysWhoMayCallIt_AndEveryApiEndpointNeedsAKey()
    {
        var endpoints = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToArray();

        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var access = endpoint.Metadata.GetMetadata<GatewayEndpoint>();
            Assert.True(access is not null, $"{endpoint.RoutePattern.RawText} has no GatewayEndpoint metadata");
            if (endpoint.RoutePattern.RawText!.StartsWith("/v1", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Equal(EndpointAccess.Key, access!.Access);
            }
        }
    }

    [Fact]
    public async Task Audit_RefusesAnEndpointMappedWithoutAccessMetadata()
    {
        var builder = WebApplication.CreateBuilder();
        await using var app = builder.Build();
        app.MapGet("/forgotten", () => "open");

        var error = Assert.Throws<InvalidOperationException>(() => GatewayEndpointAudit.EnsureEveryEndpointIsGated(app));

        Assert.Contains("/forgotten", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_Is404_InTheCallersApiShape()
    {
        using var http = Http(GatewayFixture.Key);

        using var openAi = await http.GetAsync("/v1/fine_tuning/jobs");
        using var anthropicRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/organizations/me");
        anthropicRequest.Headers.Add("anthropic-version", "2023-06-01");
        using var anthropic = await http.SendAsync(anthropicRequest);

        Assert.Equal(HttpStatusCode.NotFound, openAi.StatusCode);
        Assert.Equal("application/json", openAi.Content.Headers.ContentType!.MediaType);
        Assert.Equal("unknown_url", JsonNode.Parse(await openAi.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, anthropic.StatusCode);
        var body = JsonNode.Parse(await anthropic.Content.ReadAsStringAsync())!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("not_found_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongMethod_Is405_WithAllowAndAJsonError()
    {
        using var http = Http(GatewayFixture.Key);

        using var response = await http.PostAsync("/v1/models", Json("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("use GET", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadOnLiveness_IsAnswered()
    {
        using var http = Http(key: null);

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RestrictedKey_ReachesOnlyItsModels_OnEveryEndpoint()
    {
        using var http = Http(GatewayFixture.LimitedKey);
        var before = gateway.Upstream.Requests.Count;

        using var chat = await http.PostAsync("/v1/chat/completions", Json("""{"model":"smart","messages":[{"role":"user","content":"hi"}]}"""));
        using var byBackend = await http.PostAsync("/v1/chat/completions", Json("""{"model":"anthropic-upstream","messages":[{"role":"user","content":"hi"}]}"""));
        using var completion = await http.PostAsync("/v1/completions", Json("""{"model":"claude-fake","prompt":"hi"}"""));
        using var messages = await http.PostAsync("/v1/messages", Json("""{"model":"claude-fake","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""));
        using var embeddings = await http.PostAsync("/v1/embeddings", Json("""{"model":"openai-upstream","input":"hi"}"""));
        using var hidden = await http.GetAsync("/v1/models/claude-fake");
        using var allowed = await http.PostAsync("/v1/chat/completions", Json(ChatBody));

        Assert.Equal(HttpStatusCode.Forbidden, chat.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byBackend.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, completion.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, messages.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, embeddings.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(before + 1, gateway.Upstream.Requests.Count);
    }

    [Fact]
    public async Task KeyLimit_CountsExactly_UnderConcurrentRequests()
    {
        using var http = Http(GatewayFixture.BurstKey);

        var statuses = await Task.WhenAll(Enumerable.Range(0, GatewayFixture.BurstLimit * 3).Select(async _ =>
        {
            using var response = await http.GetAsync("/v1/models");
            return response.StatusCode;
        }));

        Assert.Equal(GatewayFixture.BurstLimit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(GatewayFixture.BurstLimit * 2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task RequestIds_AreRandom_NotSequential()
    {
        using var http = Http(GatewayFixture.Key);
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await http.GetAsync("/v1/models");
            ids.Add(response.Headers.GetValues("x-request-id").Single());
        }

        Assert.All(ids, id => Assert.Matches(RequestIdShape(), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // 128 random bits: two ids sharing their first 8 hex digits would happen about once in four billion pairs.
        Assert.Equal(ids.Count, ids.Select(id => id[4..12]).Distinct().Count());
    }

    [Fact]
    public async Task Readiness_WithoutAKey_SaysOnlyReadyOrNot_AndRefusesAProbe()
    {
        using var http = Http(key: null);

        using var summary = await http.GetAsync("/health/ready");
        using var probe = await http.GetAsync("/health/ready?probe=true");
        var body = JsonNode.Parse(await summary.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal(new[] { "status" }, body.Select(p => p.Key));
        Assert.Equal("ready", body["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
    }

    [Fact]
    public async Task Readiness_WithAKey_ShowsCircuits_AndProbesAtMostOncePerInterval()
    {
        using var http = Http(GatewayFixture.Key);

        var first = JsonNode.Parse(await http.GetStringAsync("/health/ready?probe=true"))!;
        var afterFirst = gateway.Upstream.Requests.Count;
        var second = JsonNode.Parse(await http.GetStringAsync("/health/ready?probe=true"))!;

        Assert.Equal(afterFirst, gateway.Upstream.Requests.Count);
        Assert.NotNull(second["probe_age_seconds"]);
        Assert.All(first["backends"]!.AsArray(), b => Assert.NotNull(b!["status"]));
        Assert.Contains(first["backends"]!.AsArray(), b => b!["circuit"]?.GetValue<string>() == "Closed");
    }

    [Fact]
    public async Task Cors_AnswersOnlyConfiguredOrigins()
    {
        using var http = Http(key: null);

        using var allowed = await http.SendAsync(Preflight(GatewayFixture.AllowedOrigin));
        using var other = await http.SendAsync(Preflight("https://evil.example"));

        Assert.Equal(GatewayFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private HttpClient Http(string? key)
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [GeneratedRegex("^req_[0-9a-f]{32}$")]
    private static partial Regex RequestIdShape();
}
