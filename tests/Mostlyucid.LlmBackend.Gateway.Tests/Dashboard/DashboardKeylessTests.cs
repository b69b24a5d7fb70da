using System.Net;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>With no keys configured the gateway serves this machine only, and the dashboard opens there without a login — still behind the key-less defence.</summary>
public sealed class DashboardKeylessTests
{
    [Fact]
    public async Task WithoutKeys_PagesAndApiOpenOnLoopback_WithoutLogin_ButNotForAnotherSitesPage()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["LlmSettings:Backends:0:Name"] = "mock",
            ["LlmSettings:Backends:0:Type"] = "Mock",
        });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(gateway.BaseUrl) };

        using var page = await http.GetAsync("/dashboard/");
        var html = await page.Content.ReadAsStringAsync();
        using var login = await http.GetAsync("/dashboard/login");
        using var api = await http.GetAsync("/admin/api/overview");
        using var crossSite = new HttpRequestMessage(HttpMethod.Get, "/admin/api/requests");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var crossSiteResponse = await http.SendAsync(crossSite);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("action=\"logout\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal("./", login.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSiteResponse.StatusCode);
    }
}
