using System.Text;

namespace Mostlyucid.LlmBackend.Reload;

/// <summary>What a reloaded configuration changes, by name, for the log line that announces it.</summary>
/// <param name="BackendsAdded">Backends new in the configuration.</param>
/// <param name="BackendsRemoved">Backends no longer in it.</param>
/// <param name="BackendsChanged">Backends whose settings changed (each gets a new backend object; statistics and circuit carry over).</param>
/// <param name="RoutesAdded">Routes new in the configuration.</param>
/// <param name="RoutesRemoved">Routes no longer in it.</param>
/// <param name="RoutesChanged">Routes whose settings changed.</param>
internal sealed record ReloadChanges(
    IReadOnlyList<string> BackendsAdded,
    IReadOnlyList<string> BackendsRemoved,
    IReadOnlyList<string> BackendsChanged,
    IReadOnlyList<string> RoutesAdded,
    IReadOnlyList<string> RoutesRemoved,
    IReadOnlyList<string> RoutesChanged)
{
    /// <summary>No change to backends or routes.</summary>
    public static readonly ReloadChanges None = new(Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>());

    /// <summary>Describes the changes in one line, such as <c>backends added: a; routes changed: smart</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text, "backends added", BackendsAdded);
        Append(text, "backends removed", BackendsRemoved);
        Append(text, "backends changed", BackendsChanged);
        Append(text, "routes added", RoutesAdded);
        Append(text, "routes removed", RoutesRemoved);
        Append(text, "routes changed", RoutesChanged);
        return text.Length == 0 ? "backends and routes unchanged" : text.ToString();
    }

    private static void Append(StringBuilder text, string what, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append("; ");
        }

        text.Append(what).Append(": ").AppendJoin(", ", names);
    }
}
