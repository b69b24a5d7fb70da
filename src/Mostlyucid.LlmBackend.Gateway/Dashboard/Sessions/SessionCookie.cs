using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;

/// <summary>
/// The dashboard's session cookie: <c>HttpOnly</c> (no script reads it), <c>SameSite=Strict</c> (no other site's page
/// sends it, so it cannot be used for cross-site requests), <c>Path=/</c> (it works behind a proxy's path prefix), and
/// <c>Secure</c> when the request came over HTTPS (directly, or as the proxy's <c>X-Forwarded-Proto</c> says).
/// </summary>
internal static class SessionCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "llmb_dashboard";

    /// <summary>Reads the session id the request carries.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The id, or <see langword="null"/>.</returns>
    public static string? Read(HttpRequest request) => request.Cookies.TryGetValue(Name, out var value) && value.Length > 0 ? value : null;

    /// <summary>Sets the cookie to a new session.</summary>
    /// <param name="context">The request.</param>
    /// <param name="sessionId">The session id.</param>
    /// <param name="lifetime">How long the session lasts at most.</param>
    public static void Write(HttpContext context, string sessionId, TimeSpan lifetime) =>
        context.Response.Cookies.Append(Name, sessionId, Options(context, lifetime));

    /// <summary>Removes the cookie.</summary>
    /// <param name="context">The request.</param>
    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name, Options(context, null));

    /// <summary>Gets whether the client reached the gateway over HTTPS, directly or through a proxy that says so.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="true"/> over HTTPS.</returns>
    public static bool IsHttps(HttpRequest request) =>
        request.IsHttps || string.Equals(request.Headers["X-Forwarded-Proto"].ToString().Split(',')[0].Trim(), "https", StringComparison.OrdinalIgnoreCase);

    private static CookieOptions Options(HttpContext context, TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = IsHttps(context.Request),
        IsEssential = true,
        MaxAge = lifetime,
    };
}
