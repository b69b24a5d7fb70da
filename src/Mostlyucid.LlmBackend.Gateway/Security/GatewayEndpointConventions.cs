using Microsoft.AspNetCore.Builder;
using Mostlyucid.LlmBackend.Gateway.Http;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>Declares an endpoint's <see cref="GatewayEndpoint"/> metadata where it is mapped.</summary>
internal static class GatewayEndpointConventions
{
    /// <summary>The endpoint needs a gateway key.</summary>
    public static TBuilder RequireGatewayKey<TBuilder>(this TBuilder builder, ErrorShape errors, bool takesJsonBody)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GatewayEndpoint(EndpointAccess.Key, errors, takesJsonBody));

    /// <summary>The endpoint needs an <c>Admin</c> key.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GatewayEndpoint(EndpointAccess.Admin, ErrorShape.OpenAi, TakesJsonBody: false));

    /// <summary>The endpoint needs an <c>Admin</c> key or a dashboard session signed in with one (the admin JSON API).</summary>
    public static TBuilder RequireAdminKeyOrDashboardSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GatewayEndpoint(EndpointAccess.Admin, ErrorShape.OpenAi, TakesJsonBody: false) { AcceptsDashboardSession = true });

    /// <summary>A dashboard page: needs a dashboard session (or an <c>Admin</c> key); without one the browser is sent to the login page.</summary>
    public static TBuilder RequireDashboardSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GatewayEndpoint(EndpointAccess.Admin, ErrorShape.OpenAi, TakesJsonBody: false) { AcceptsDashboardSession = true, RedirectsToLogin = true });

    /// <summary>Anyone may call the endpoint (it must not reveal anything a key protects).</summary>
    public static TBuilder OpenToAnyone<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GatewayEndpoint(EndpointAccess.Anyone, ErrorShape.ByClient, TakesJsonBody: false));
}
