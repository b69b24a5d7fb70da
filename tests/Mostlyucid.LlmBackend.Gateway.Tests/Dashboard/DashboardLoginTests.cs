using System.Net;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>
/// Login, sessions and the pages' protection over HTTP: no page without a session, only admin keys log in, the cookie's
/// flags, the key never echoed or logged, failed logins throttled, logout ending the session.
/// </summary>
public sealed class DashboardLoginTests
{
    public static readonly TheoryData<string> Pages = new() { "/dashboard/", "/dashboard/backends", "/dashboard/spend", "/dashboard/requests", "/dashboard/config" };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_WithoutSession_RedirectsToTheLoginPage_Relatively(string path)
    {
        await using var gateway = await DashboardGateway.StartAsync();

        using var response = await gateway.GetAsync(path);
        using var withClientKeyCookie = await gateway.GetAsync(path, cookie: "llmb_dashboard=not-a-session");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("login", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Found, withClientKeyCookie.StatusCode);
    }

    [Fact]
    public async Task Root_WithoutSlash_RedirectsIntoTheDashboard_OrToItsLoginPage()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var cookie = await gateway.SessionCookieAsync();

        using var signedOut = await gateway.GetAsync("/dashboard");
        using var signedIn = await gateway.GetAsync("/dashboard", cookie: cookie);

        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        Assert.Equal("dashboard/login", signedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal("dashboard/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_WithAdminKey_SetsAnHttpOnlySameSiteStrictCookie_ThatOpensEveryPage()
    {
        await using var gateway = await DashboardGateway.StartAsync();

        using var login = await gateway.LoginAsync(DashboardGateway.AdminKey);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single();
        var cookie = setCookie.Split(';')[0];

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal("./", login.Headers.Location!.OriginalString);
        Assert.StartsWith("llmb_dashboard=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(cookie.Length - "llmb_dashboard=".Length >= 43, "a session id carries 256 random bits");
        foreach (var page in Pages)
        {
            using var response = await gateway.GetAsync(page, cookie: cookie);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
            Assert.Contains("action=\"logout\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain(DashboardGateway.AdminKey, html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"/", html, StringComparison.Ordinal);
            Assert.DoesNotContain("src=\"/", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Login_BehindAnHttpsProxy_MarksTheCookieSecure()
    {
        await using var gateway = await DashboardGateway.StartAsync();

        using var login = await gateway.LoginAsync(DashboardGateway.AdminKey, forwardedProto: "https");

        Assert.Contains("secure", login.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(DashboardGateway.ClientKey, "may call models but not open the dashboard")]
    [InlineData("a-wrong-key-that-is-long-enough", "That key is not one of this gateway")]
    [InlineData("", "Paste an admin key")]
    public async Task Login_WithAWrongOrNonAdminKey_Is401_TheLoginPageAgain_WithNoCookieAndNoEchoOfTheKey(string key, string message)
    {
        await using var gateway = await DashboardGateway.StartAsync();

        using var login = await gateway.LoginAsync(key);
        var html = await login.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.False(login.Headers.Contains("Set-Cookie"));
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"login\"", html, StringComparison.Ordinal);
        if (key.Length > 0)
        {
            Assert.DoesNotContain(key, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Login_TheKeyIsNeverLogged_OnlyItsName()
    {
        await using var gateway = await DashboardGateway.StartAsync();

        using (await gateway.LoginAsync("a-wrong-key-that-is-long-enough"))
        using (await gateway.LoginAsync(DashboardGateway.ClientKey))
        using (await gateway.LoginAsync(DashboardGateway.AdminKey))
        {
        }

        var lines = gateway.Logs.Lines;
        Assert.Contains(lines, l => l.Contains("Dashboard login by admin key 'ops'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("key 'app' is not an admin key", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(DashboardGateway.AdminKey, StringComparison.Ordinal) || l.Contains(DashboardGateway.ClientKey, StringComparison.Ordinal) || l.Contains("a-wrong-key-that-is-long-enough", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_AfterTooManyFailuresFromOneAddress_Is429_EvenWithTheRightKey()
    {
        await using var gateway = await DashboardGateway.StartAsync(new Dictionary<string, string?> { ["Gateway:Dashboard:MaxLoginFailures"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            using var failed = await gateway.LoginAsync("a-wrong-key-that-is-long-enough");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var throttled = await gateway.LoginAsync(DashboardGateway.AdminKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.False(throttled.Headers.Contains("Set-Cookie"));
        Assert.NotNull(throttled.Headers.RetryAfter);
    }

    [Fact]
    public async Task Logout_EndsTheSession_AndClearsTheCookie()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var cookie = await gateway.SessionCookieAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/logout");
        request.Headers.Add("Cookie", cookie);
        using var logout = await gateway.Http.SendAsync(request);
        using var after = await gateway.GetAsync("/admin/api/overview", cookie: cookie);

        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        Assert.Contains("expires=", logout.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task StaticFiles_AreServedWithALongCache_AndTheChartLibraryWithItsLicence()
    {
        await using var gateway = await DashboardGateway.StartAsync();
        var cookie = await gateway.SessionCookieAsync();
        using var page = await gateway.GetAsync("/dashboard/", cookie: cookie);
        var html = await page.Content.ReadAsStringAsync();
        var version = System.Text.RegularExpressions.Regex.Match(html, "app\\.css\\?v=([0-9a-f]+)").Groups[1].Value;

        using var css = await gateway.GetAsync($"/dashboard/static/app.css?v={version}");
        using var chart = await gateway.GetAsync($"/dashboard/static/chart.umd.min.js?v={version}");
        using var licence = await gateway.GetAsync("/dashboard/static/chart.js-LICENSE.md");
        using var missing = await gateway.GetAsync("/dashboard/static/overview.html");

        Assert.NotEmpty(version);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains("immutable", css.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", chart.Content.Headers.ContentType!.MediaType);
        Assert.Contains("MIT License", await licence.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
