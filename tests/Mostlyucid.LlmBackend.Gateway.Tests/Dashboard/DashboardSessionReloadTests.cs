using System.Net;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Tests.Reload;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>A dashboard session holds only while its key is configured with the Admin role: a reload that changes that ends it.</summary>
public sealed class DashboardSessionReloadTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Session_EndsWhenAReloadRemovesTheKeyOrItsAdminRole(bool removeKey)
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(gateway.Gateway.BaseUrl) };
        using var login = await http.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = ReloadingGateway.AdminKey }));
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(http, cookie));

        var changed = ReloadingGateway.Settings();
        changed["Gateway"]!["ApiKeys"] = removeKey
            ? new JsonArray(ReloadingGateway.Key("user", ReloadingGateway.UserKey))
            : new JsonArray(ReloadingGateway.Key("admin", ReloadingGateway.AdminKey), ReloadingGateway.Key("user", ReloadingGateway.UserKey));
        await gateway.SaveAsync(changed);

        await ReloadingGateway.EventuallyAsync(async () => await StatusWithCookieAsync(http, cookie) == HttpStatusCode.Unauthorized, "the session ended with its key's admin role");
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        page.Headers.Add("Cookie", cookie);
        using var pageResponse = await http.SendAsync(page);
        Assert.Equal(HttpStatusCode.Found, pageResponse.StatusCode);
    }

    private static async Task<HttpStatusCode> StatusWithCookieAsync(HttpClient http, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/backends");
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
