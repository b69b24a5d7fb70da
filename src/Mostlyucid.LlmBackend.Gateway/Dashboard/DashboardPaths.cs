namespace Mostlyucid.LlmBackend.Gateway.Dashboard;

/// <summary>
/// Where the dashboard lives. Pages are one level under <c>/dashboard/</c> and every link, script, style and API call
/// in them is relative, so the dashboard works unchanged behind a reverse proxy that serves it under a path prefix.
/// </summary>
internal static class DashboardPaths
{
    /// <summary>The dashboard's root.</summary>
    public const string Root = "/dashboard";

    /// <summary>The login page, relative to a page (what a redirect's <c>Location</c> says).</summary>
    public const string LoginFromPage = "login";

    /// <summary>The overview page, relative to the login page.</summary>
    public const string HomeFromPage = "./";

    /// <summary>
    /// Gets the login page relative to the page asked for: <c>login</c> from a page under <c>/dashboard/</c>, and
    /// <c>dashboard/login</c> from <c>/dashboard</c> itself (whose relative links resolve one level up).
    /// </summary>
    /// <param name="path">The path asked for.</param>
    /// <returns>The relative location.</returns>
    public static string LoginFrom(string? path) => path is not null && !path.EndsWith('/') && path.EndsWith(Root, StringComparison.OrdinalIgnoreCase) ? "dashboard/login" : LoginFromPage;
}
