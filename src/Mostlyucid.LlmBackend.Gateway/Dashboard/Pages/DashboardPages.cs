using Microsoft.AspNetCore.Http;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Pages;

/// <summary>The dashboard's pages and static files.</summary>
internal static class DashboardPages
{
    /// <summary>The pages, by the path under <c>/dashboard/</c> that serves them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Pages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [string.Empty] = "overview.html",
        ["backends"] = "backends.html",
        ["spend"] = "spend.html",
        ["requests"] = "requests.html",
        ["config"] = "config.html",
    };

    private const string LogoutForm = "<form method=\"post\" action=\"logout\"><button type=\"submit\">Log out</button></form>";

    /// <summary>Serves a page, with a logout button when the user signed in (not when no keys are configured: it is open on loopback then).</summary>
    /// <param name="name">The page's file.</param>
    /// <returns>The handler.</returns>
    public static RequestDelegate Page(string name) => context =>
    {
        if (context.Request.Path.Value is { } path && !path.EndsWith('/') && path.EndsWith(DashboardPaths.Root, StringComparison.OrdinalIgnoreCase))
        {
            // /dashboard (routing matches it to /dashboard/): into the folder, so the page's relative links resolve under it.
            context.Response.Redirect("dashboard/");
            return Task.CompletedTask;
        }

        var assets = context.RequestServices.GetRequiredService<DashboardAssets>();
        var page = assets.Find(name) ?? throw new InvalidOperationException($"The dashboard page {name} is not embedded in the gateway.");
        var signedIn = context.RequestServices.GetRequiredService<GatewayConfiguration>().Current.Keys.Required;
        var html = Encoding.UTF8.GetString(page.Content).Replace("<!--logout-->", signedIn ? LogoutForm : string.Empty, StringComparison.Ordinal);
        return DashboardResponses.PageAsync(context, html, StatusCodes.Status200OK);
    };

    /// <summary><c>GET /dashboard/static/{file}</c>: a style, script or the charting library.</summary>
    /// <param name="context">The request.</param>
    /// <param name="file">The file's name.</param>
    /// <param name="assets">The files.</param>
    /// <returns>A task that completes when written.</returns>
    public static Task StaticAsync(HttpContext context, string file, DashboardAssets assets)
    {
        if (file.EndsWith(".html", StringComparison.Ordinal) || assets.Find(file) is not { } asset)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return DashboardResponses.StaticAsync(context, asset, assets.Version);
    }
}
