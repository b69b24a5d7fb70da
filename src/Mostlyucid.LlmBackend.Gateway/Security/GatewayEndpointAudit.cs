using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// Checks, when the gateway is built, that every mapped endpoint declares its <see cref="GatewayEndpoint"/> access: an
/// endpoint added without it would otherwise be refused at runtime; this makes the omission impossible to ship.
/// </summary>
internal static class GatewayEndpointAudit
{
    /// <summary>Throws when an endpoint has no <see cref="GatewayEndpoint"/> metadata.</summary>
    /// <param name="routes">The application's routes.</param>
    public static void EnsureEveryEndpointIsGated(IEndpointRouteBuilder routes)
    {
        var ungated = routes.DataSources
            .SelectMany(source => source.Endpoints)
            .Where(endpoint => endpoint.Metadata.GetMetadata<GatewayEndpoint>() is null)
            .Select(endpoint => endpoint.DisplayName ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "an endpoint")
            .ToArray();
        if (ungated.Length > 0)
        {
            throw new InvalidOperationException($"These endpoints do not say who may call them (RequireGatewayKey or OpenToAnyone): {string.Join(", ", ungated)}.");
        }
    }

    /// <summary>Gets whether routing chose its "method not allowed" endpoint (the path exists, the method does not).</summary>
    /// <param name="endpoint">The endpoint routing chose.</param>
    /// <returns><see langword="true"/> for ASP.NET Core's 405 endpoint.</returns>
    public static bool IsMethodNotAllowed(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<GatewayEndpoint>() is null
        && string.Equals(endpoint.DisplayName, "405 HTTP Method Not Supported", StringComparison.Ordinal);
}
