using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>A backend's current status and instance, swapped whole when a plugin loads or unloads.</summary>
/// <param name="Status">Whether it can be routed to.</param>
/// <param name="Backend">The instance when ready.</param>
/// <param name="PluginId">The plugin that created it.</param>
/// <param name="Reason">Why it is not ready.</param>
internal sealed record BackendState(BackendStatus Status, ILlmBackend? Backend, string? PluginId, string? Reason);
