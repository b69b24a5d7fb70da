using Mostlyucid.LlmBackend.Gateway.Http;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// Endpoint metadata every gateway endpoint carries: who may call it, how its errors look and whether it takes a JSON
/// body. The <see cref="GatewayGate"/> reads it from the endpoint routing matched — never from the path's spelling — and
/// the gateway refuses to start if any endpoint lacks it.
/// </summary>
/// <param name="Access">Who may call it.</param>
/// <param name="Errors">The shape of its errors.</param>
/// <param name="TakesJsonBody">Whether a request body must be JSON.</param>
internal sealed record GatewayEndpoint(EndpointAccess Access, ErrorShape Errors, bool TakesJsonBody)
{
    /// <summary>Gets whether a dashboard session (its cookie) admits the caller as well as a key does.</summary>
    public bool AcceptsDashboardSession { get; init; }

    /// <summary>Gets whether a caller without a key or session is sent to the dashboard's login page rather than refused (pages, not APIs).</summary>
    public bool RedirectsToLogin { get; init; }
}
