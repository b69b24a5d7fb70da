using Microsoft.AspNetCore.Cors.Infrastructure;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Security;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// The gateway's validated configuration as it runs — its settings, the keys made from them, the key-less defence, the
/// body limit and the CORS policy — swapped whole when the configuration is reloaded (<see cref="GatewayConfiguration"/>).
/// The gate reads it once per request, so a request is admitted and limited by one configuration from start to end.
/// </summary>
internal sealed class GatewaySnapshot
{
    public GatewaySnapshot(GatewaySettings settings)
    {
        Settings = settings;
        Keys = new GatewayApiKeys(settings);
        Keyless = new KeylessRequestPolicy(settings, Keys.Required);
        BodyLimit = new RequestBodyLimit(settings);
        Cors = GatewayCorsPolicy.For(settings.AllowedOrigins);
    }

    /// <summary>Gets the settings.</summary>
    public GatewaySettings Settings { get; }

    /// <summary>Gets the client keys.</summary>
    public GatewayApiKeys Keys { get; }

    /// <summary>Gets the defence of key-less mode.</summary>
    public KeylessRequestPolicy Keyless { get; }

    /// <summary>Gets the request body limit.</summary>
    public RequestBodyLimit BodyLimit { get; }

    /// <summary>Gets the CORS policy for <see cref="GatewaySettings.AllowedOrigins"/>.</summary>
    public CorsPolicy Cors { get; }
}
