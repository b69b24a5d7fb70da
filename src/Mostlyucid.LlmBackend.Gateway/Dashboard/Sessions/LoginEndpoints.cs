using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Pages;
using Mostlyucid.LlmBackend.Gateway.Http;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;

/// <summary>
/// The dashboard's login and logout. The user pastes an admin key into a form (POSTed, so it is never in a URL); a
/// configured key with the <c>Admin</c> role starts a session whose id goes into the <see cref="SessionCookie"/>; any
/// other key gets the login page again with a message (401), and repeated failures from one address are throttled.
/// The key is not kept, logged or written into any page.
/// </summary>
internal static class LoginEndpoints
{
    /// <summary><c>GET /dashboard/login</c>: the login form (straight to the dashboard when no keys are configured: it is open on loopback then).</summary>
    /// <param name="context">The request.</param>
    /// <param name="gateway">The configuration in use.</param>
    /// <param name="assets">The dashboard's files.</param>
    /// <returns>A task that completes when answered.</returns>
    public static Task PageAsync(HttpContext context, GatewayConfiguration gateway, DashboardAssets assets)
    {
        if (!gateway.Current.Keys.Required)
        {
            context.Response.Redirect(DashboardPaths.HomeFromPage);
            return Task.CompletedTask;
        }

        return LoginPageAsync(context, assets, string.Empty, StatusCodes.Status200OK);
    }

    /// <summary><c>POST /dashboard/login</c> (form field <c>key</c>): starts a session for an admin key.</summary>
    /// <param name="context">The request.</param>
    /// <param name="gateway">The configuration in use.</param>
    /// <param name="sessions">The sessions.</param>
    /// <param name="throttle">The failed-login throttle.</param>
    /// <param name="assets">The dashboard's files.</param>
    /// <param name="logger">The log.</param>
    /// <returns>A task that completes when answered.</returns>
    public static async Task LoginAsync(HttpContext context, GatewayConfiguration gateway, DashboardSessions sessions, LoginThrottle throttle, DashboardAssets assets, ILogger<DashboardSessions> logger)
    {
        var client = context.Connection.RemoteIpAddress;
        var clientText = client?.ToString() ?? "unknown";
        var keys = gateway.Current.Keys;
        if (!keys.Required)
        {
            context.Response.Redirect(DashboardPaths.HomeFromPage, permanent: false);
            return;
        }

        if (throttle.WaitFor(client) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            DashboardLog.LoginThrottled(logger, clientText, seconds);
            GatewayErrors.AddRetryAfter(context.Response, wait);
            await LoginPageAsync(context, assets, $"Too many failed logins from this address. Try again in {Math.Max(1, seconds / 60)} minute(s).", StatusCodes.Status429TooManyRequests).ConfigureAwait(false);
            return;
        }

        string presented;
        try
        {
            presented = context.Request.HasFormContentType
                ? (await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false))["key"].ToString().Trim()
                : string.Empty;
        }
        catch (InvalidDataException)
        {
            presented = string.Empty;
        }

        var caller = presented.Length > 0 ? keys.FindByHash(GatewayApiKeys.HashOf(presented)) : null;
        if (caller is not { IsAdmin: true })
        {
            throttle.Failed(client);
            var reason = presented.Length == 0 ? "no key given" : caller is null ? "not a configured key" : $"key '{caller.KeyName}' is not an admin key";
            DashboardLog.LoginRefused(logger, clientText, reason);
            var message = presented.Length == 0
                ? "Paste an admin key to log in."
                : caller is null
                    ? "That key is not one of this gateway's keys."
                    : "That key may call models but not open the dashboard: it needs \"Role\": \"Admin\".";
            await LoginPageAsync(context, assets, message, StatusCodes.Status401Unauthorized).ConfigureAwait(false);
            return;
        }

        throttle.Succeeded(client);
        sessions.End(SessionCookie.Read(context.Request));
        var id = sessions.Create(GatewayApiKeys.HashOf(presented), caller.KeyName);
        SessionCookie.Write(context, id, sessions.Lifetime);
        DashboardLog.LoggedIn(logger, caller.KeyName, clientText);
        context.Response.Redirect(DashboardPaths.HomeFromPage);
    }

    /// <summary><c>POST /dashboard/logout</c>: ends the browser's session and clears its cookie.</summary>
    /// <param name="context">The request.</param>
    /// <param name="sessions">The sessions.</param>
    /// <param name="logger">The log.</param>
    /// <returns>A completed task.</returns>
    public static Task LogoutAsync(HttpContext context, DashboardSessions sessions, ILogger<DashboardSessions> logger)
    {
        sessions.End(SessionCookie.Read(context.Request));
        SessionCookie.Clear(context);
        DashboardLog.LoggedOut(logger);
        context.Response.Redirect(DashboardPaths.LoginFromPage);
        return Task.CompletedTask;
    }

    private static Task LoginPageAsync(HttpContext context, DashboardAssets assets, string message, int status)
    {
        var page = assets.Find("login.html") ?? throw new InvalidOperationException("The dashboard's login page is not embedded in the gateway.");
        var html = System.Text.Encoding.UTF8.GetString(page.Content).Replace("{{message}}", HtmlEncoder.Default.Encode(message), StringComparison.Ordinal);
        return DashboardResponses.PageAsync(context, html, status);
    }
}
