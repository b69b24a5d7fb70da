using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// Without keys the gateway trusts whoever connects to it on loopback; a web page in the user's own browser must not be
/// able to use that trust (directly, or by DNS rebinding) to spend the user's provider keys.
/// </summary>
public sealed class BrowserDefenceTests(KeylessGatewayFixture gateway) : IClassFixture<KeylessGatewayFixture>
{
    private const string Body = """{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:5000")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("localhost.evil.example")]
    [InlineData("10.0.0.5")]
    public async Task HostThatIsNotLoopback_IsRefused_BeforeAnyBackend(string host)
    {
        var before = gateway.Upstream.Requests.Count;

        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", "/v1/chat/completions", new[] { "Content-Type: application/json" }, Body, host);

        Assert.Equal(403, response.Status);
        Assert.Equal("browser_request_refused", JsonNode.Parse(response.Body)!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task LoopbackHost_IsServed(string? hostName)
    {
        var host = hostName is null ? null : $"{hostName}:{new Uri(gateway.BaseUrl).Port}";

        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", "/v1/chat/completions", new[] { "Content-Type: application/json" }, Body, host);

        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    [InlineData("http://localhost:3001")]
    public async Task OriginNotAllowed_IsRefused(string origin)
    {
        var before = gateway.Upstream.Requests.Count;

        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", "/v1/chat/completions", new[] { "Content-Type: application/json", $"Origin: {origin}" }, Body);

        Assert.Equal(403, response.Status);
        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Fact]
    public async Task AllowedOrigin_IsServed_WithCorsHeaders()
    {
        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", "/v1/chat/completions", new[] { "Content-Type: application/json", $"Origin: {KeylessGatewayFixture.AllowedOrigin}" }, Body);

        Assert.Equal(200, response.Status);
        Assert.Equal(KeylessGatewayFixture.AllowedOrigin, response.Headers["Access-Control-Allow-Origin"]);
    }

    [Fact]
    public async Task CrossSiteFetchWithoutOrigin_IsRefused()
    {
        var response = await RawHttp.SendAsync(gateway.BaseUrl, "GET", "/v1/models", new[] { "Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors" });

        Assert.Equal(403, response.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain;charset=UTF-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task NonJsonBody_IsRefused(string contentType)
    {
        var before = gateway.Upstream.Requests.Count;

        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", "/v1/chat/completions", new[] { $"Content-Type: {contentType}" }, Body);

        Assert.Equal(415, response.Status);
        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.api+json")]
    public async Task JsonOrUnlabelledBody_IsServed(string? contentType)
    {
        var headers = contentType is null ? Array.Empty<string>() : new[] { $"Content-Type: {contentType}" };

        var response = await RawHttp.SendAsync(gateway.BaseUrl, "POST", "/v1/chat/completions", headers, Body);

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Readiness_ForTheLocalUser_ShowsDetails()
    {
        var response = await RawHttp.SendAsync(gateway.BaseUrl, "GET", "/health/ready");

        Assert.Equal(200, response.Status);
        Assert.Equal("upstream", JsonNode.Parse(response.Body)!["backends"]![0]!["name"]!.GetValue<string>());
    }
}
