using System.Collections.Concurrent;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>
/// What each backend's context window is known to be: its configured <c>MaxInputTokens</c>, else the model catalog's
/// window for its provider and model, else unknown (<see langword="null"/>). Resolved once per backend.
/// </summary>
internal sealed class ContextWindows
{
    private readonly IModelCatalog? _catalog;
    private readonly ConcurrentDictionary<BackendEntry, int?> _known = new();

    /// <summary>Creates the lookup.</summary>
    /// <param name="catalog">The model catalog, or <see langword="null"/> to know only configured windows.</param>
    public ContextWindows(IModelCatalog? catalog)
    {
        _catalog = catalog;
    }

    /// <summary>Gets a lookup that knows only configured windows.</summary>
    public static ContextWindows ConfiguredOnly { get; } = new(null);

    /// <summary>Gets the backend's window in tokens, or <see langword="null"/> when it is not known.</summary>
    public int? Of(BackendEntry entry) =>
        entry.Config.MaxInputTokens ?? _known.GetOrAdd(entry, e => _catalog?.Find(BackendProvider.Of(e.Config), e.Config.ModelName)?.ContextWindow);
}
