namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>Who may reach an endpoint through the <see cref="GatewayGate"/>.</summary>
internal enum EndpointAccess
{
    /// <summary>Anyone who can connect (liveness, the readiness summary). A key, when sent, must still be valid.</summary>
    Anyone,

    /// <summary>A caller with a valid gateway key, within its request limit (any local caller when no keys are configured).</summary>
    Key,

    /// <summary>A caller with an <c>Admin</c> key (any local caller when no keys are configured): reads everyone's usage and spend.</summary>
    Admin,
}
