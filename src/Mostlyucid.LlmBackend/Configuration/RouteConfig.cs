namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// A virtual model (<c>LlmSettings:Routes</c>): a request whose <c>Model</c> is the route's <see cref="Name"/> goes to the
/// route's own backends, in its own order, and each backend uses its configured model.
/// </summary>
public class RouteConfig
{
    /// <summary>Gets or sets the virtual model's name (for example <c>smart</c>); unique, and not also a backend's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the backends (by name) this route may use. With the Failover strategy they are tried in this order.</summary>
    public List<string> Backends { get; set; } = new();

    /// <summary>Gets or sets how the route orders its backends; <see langword="null"/> uses <c>LlmSettings:SelectionStrategy</c>.</summary>
    public BackendSelectionStrategy? SelectionStrategy { get; set; }
}
