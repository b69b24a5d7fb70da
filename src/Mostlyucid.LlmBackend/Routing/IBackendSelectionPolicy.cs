using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>Orders the ready backends for one request; the router tries them in that order.</summary>
internal interface IBackendSelectionPolicy
{
    /// <summary>Gets the strategy this policy implements.</summary>
    BackendSelectionStrategy Strategy { get; }

    /// <summary>Reorders <paramref name="candidates"/> in place, most preferred first.</summary>
    /// <param name="candidates">The ready backends, in configuration order.</param>
    void Order(List<BackendEntry> candidates);
}
