using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Http;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// The CORS policy: pages from <c>Gateway:AllowedOrigins</c> may call the gateway, and read its headers. The policy is
/// made with each configuration (<see cref="GatewaySnapshot.Cors"/>) and asked for per request, so a reload changes it.
/// </summary>
internal sealed class GatewayCorsPolicy : ICorsPolicyProvider
{
    private readonly GatewayConfiguration _configuration;

    public GatewayCorsPolicy(GatewayConfiguration configuration)
    {
        _configuration = configuration;
    }

    /// <summary>Makes the policy for the allowed origins.</summary>
    /// <param name="origins">The origins (<c>*</c> for every origin).</param>
    /// <returns>The policy.</returns>
    public static CorsPolicy For(IReadOnlyList<string> origins)
    {
        var policy = new CorsPolicyBuilder();
        if (origins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins(origins.ToArray());
        }

        return policy.WithMethods(HttpMethods.Get, HttpMethods.Post)
            .AllowAnyHeader()
            .WithExposedHeaders(GatewayHeaders.RequestId, GatewayHeaders.Backend, GatewayHeaders.Attempts, GatewayHeaders.BackendsTried, GatewayHeaders.ShouldRetry, "Retry-After", "retry-after-ms")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
    }

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName) => Task.FromResult<CorsPolicy?>(_configuration.Current.Cors);
}
