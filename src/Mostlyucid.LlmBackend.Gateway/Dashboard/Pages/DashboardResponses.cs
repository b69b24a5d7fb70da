using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Pages;

/// <summary>
/// Writes the dashboard's files with their security headers: a Content-Security-Policy that allows scripts, styles and
/// fetches from the gateway only (no inline script, no framing), no MIME sniffing, no referrer; pages are never cached,
/// versioned scripts and styles for a year.
/// </summary>
internal static class DashboardResponses
{
    /// <summary>The policy every dashboard response carries.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Writes a page (never cached: it is only for a signed-in user).</summary>
    /// <param name="context">The request.</param>
    /// <param name="asset">The page.</param>
    /// <param name="status">The status.</param>
    /// <returns>A task that completes when written.</returns>
    public static Task PageAsync(HttpContext context, DashboardAsset asset, int status = StatusCodes.Status200OK) =>
        WriteAsync(context, asset.ContentType, asset.Content, status, "no-store");

    /// <summary>Writes a page whose text was filled in for this request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="html">The page.</param>
    /// <param name="status">The status.</param>
    /// <returns>A task that completes when written.</returns>
    public static Task PageAsync(HttpContext context, string html, int status) =>
        WriteAsync(context, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), status, "no-store");

    /// <summary>Writes a static file, cached for a year when the URL carries the files' version.</summary>
    /// <param name="context">The request.</param>
    /// <param name="asset">The file.</param>
    /// <param name="version">The files' version.</param>
    /// <returns>A task that completes when written.</returns>
    public static Task StaticAsync(HttpContext context, DashboardAsset asset, string version) =>
        WriteAsync(
            context,
            asset.ContentType,
            asset.Content,
            StatusCodes.Status200OK,
            context.Request.Query["v"] == version ? "public, max-age=31536000, immutable" : "no-cache");

    private static Task WriteAsync(HttpContext context, string contentType, byte[] content, int status, string cacheControl)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        var headers = response.Headers;
        headers.CacheControl = cacheControl;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(content, context.RequestAborted).AsTask();
    }
}
