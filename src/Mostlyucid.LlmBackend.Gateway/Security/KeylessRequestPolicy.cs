using System.Net;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// Without API keys the gateway trusts whoever can connect to it from this machine — which includes web pages open in the
/// user's own browser. This refuses a connection from another machine (even if a <c>Kestrel:Endpoints</c> setting made
/// the gateway listen beyond loopback), and what only a browser sends on a page's behalf: a request addressed to a name
/// other than a loopback one (DNS rebinding makes an attacker's name resolve to 127.0.0.1), an <c>Origin</c> that is not
/// in <c>Gateway:AllowedOrigins</c>, and a cross-site fetch (<c>Sec-Fetch-Site</c>). With keys configured a page cannot
/// authenticate without the key, and CORS answers only for the allowed origins.
/// </summary>
internal sealed class KeylessRequestPolicy
{
    private readonly bool _keysRequired;
    private readonly HashSet<string> _allowedOrigins;

    public KeylessRequestPolicy(GatewaySettings settings, bool keysRequired)
    {
        _keysRequired = keysRequired;
        _allowedOrigins = new HashSet<string>(settings.AllowedOrigins, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets whether any loopback name or address (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) is the host.</summary>
    /// <param name="host">The request's host, without port.</param>
    /// <returns><see langword="true"/> for a loopback host.</returns>
    public static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsLoopback(address));

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>Decides whether a request may be served.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="null"/> to serve it; otherwise why it is refused (status 403).</returns>
    public string? Refusal(HttpRequest request)
    {
        if (_keysRequired)
        {
            return null;
        }

        if (request.HttpContext.Connection.RemoteIpAddress is { } remote && !IsLoopback(remote))
        {
            return "This gateway has no API keys, so it serves only programs on its own machine; a connection from another machine is refused. To serve other machines, configure Gateway:ApiKeys.";
        }

        var host = request.Host;
        if (host.HasValue && !IsLoopbackHost(host.Host))
        {
            return $"This gateway has no API keys, so it serves only requests addressed to localhost, 127.0.0.1 or [::1]; a request for host '{Shorten(host.Host)}' is refused (it is how a web page reaches a local server by DNS rebinding). To serve other hosts, configure Gateway:ApiKeys.";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !_allowedOrigins.Contains(origin))
        {
            return $"Requests from web pages are refused: this gateway has no API keys, and the origin '{Shorten(origin)}' is not in Gateway:AllowedOrigins. Add it there if pages from it may use this gateway (and its provider keys).";
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (origin.Length == 0 && site is "cross-site" or "same-site")
        {
            return "Requests a browser makes on behalf of another site are refused: this gateway has no API keys. Call it from a program, or configure Gateway:ApiKeys and Gateway:AllowedOrigins.";
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");
}
