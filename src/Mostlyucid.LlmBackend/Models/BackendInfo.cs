namespace Mostlyucid.LlmBackend.Models;

/// <summary>A configured backend as the router sees it. Holds no secrets.</summary>
public sealed record BackendInfo
{
    /// <summary>Gets the backend's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the backend type that created it (the <c>CustomBackendType</c> if set, else the <c>Type</c>).</summary>
    public required string BackendType { get; init; }

    /// <summary>Gets the id of the plugin that created it (<c>builtin</c> for the core's providers), when created.</summary>
    public string? PluginId { get; init; }

    /// <summary>Gets the configured model.</summary>
    public string? ModelName { get; init; }

    /// <summary>Gets the configured base URL.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Gets the configured priority (lower is tried first by the Failover strategy).</summary>
    public int Priority { get; init; }

    /// <summary>Gets the configured weight (for the Weighted strategy).</summary>
    public int Weight { get; init; }

    /// <summary>Gets whether the backend can be routed to.</summary>
    public BackendStatus Status { get; init; }

    /// <summary>Gets why the backend is not ready, when it is not.</summary>
    public string? StatusReason { get; init; }
}
