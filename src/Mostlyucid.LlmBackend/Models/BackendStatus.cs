namespace Mostlyucid.LlmBackend.Models;

/// <summary>Whether a configured backend can be routed to.</summary>
public enum BackendStatus
{
    /// <summary>Created and routable.</summary>
    Ready = 0,

    /// <summary>Configured with <c>Enabled: false</c>; never used.</summary>
    Disabled,

    /// <summary>Its backend type belongs to a plugin that is not loaded yet; it becomes ready when one is.</summary>
    WaitingForPlugin,

    /// <summary>The plugin failed to create it (see <see cref="BackendInfo.StatusReason"/>).</summary>
    Failed,
}
