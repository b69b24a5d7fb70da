using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// Expands <c>${NAME}</c> and <c>${NAME:-fallback}</c> in backend settings from environment variables; <c>$${</c> stands
/// for a literal <c>${</c>. A variable that is not set (and has no fallback) is a configuration problem naming the backend,
/// the setting and the variable — never the value of anything.
/// </summary>
internal sealed class EnvironmentVariableExpander
{
    private static readonly PropertyInfo[] StringProperties = typeof(LlmBackendConfig)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(string) && p.CanWrite && p.Name != nameof(LlmBackendConfig.Name))
        .ToArray();

    private readonly Func<string, string?> _lookup;

    public EnvironmentVariableExpander(Func<string, string?> lookup)
    {
        _lookup = lookup;
    }

    /// <summary>Expands every string setting of <paramref name="backend"/> in place.</summary>
    /// <param name="backend">The backend's settings.</param>
    /// <param name="path">The backend's configuration path, for messages (for example <c>LlmSettings:Backends:0</c>).</param>
    /// <param name="problems">Receives one entry per unresolvable reference.</param>
    public void ExpandInPlace(LlmBackendConfig backend, string path, List<string> problems)
    {
        foreach (var property in StringProperties)
        {
            var value = (string?)property.GetValue(backend);
            if (value is not null && value.Contains('$', StringComparison.Ordinal))
            {
                var before = problems.Count;
                var expanded = Expand(value, backend, path, property.Name, problems);

                // An unresolved reference leaves the setting as written, so it is reported once (not again as "missing").
                if (problems.Count == before)
                {
                    property.SetValue(backend, expanded);
                }
            }
        }

        ExpandValues(backend.Headers, backend, path, "Headers", problems);
        ExpandValues(backend.ProviderOptions, backend, path, "ProviderOptions", problems);
        if (backend.PluginConfig is not null)
        {
            ExpandJson(backend.PluginConfig, backend, path, "PluginConfig", problems);
        }
    }

    private void ExpandJson(JsonNode node, LlmBackendConfig backend, string path, string setting, List<string> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    ExpandChild(child, value => obj[key] = value, $"{setting}:{key}");
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i;
                    ExpandChild(array[i], value => array[index] = value, $"{setting}:{i}");
                }

                break;
        }

        void ExpandChild(JsonNode? child, Action<JsonNode> replace, string childSetting)
        {
            if (child is JsonValue value && value.TryGetValue<string>(out var text) && text.Contains('$', StringComparison.Ordinal))
            {
                replace(JsonValue.Create(Expand(text, backend, path, childSetting, problems)));
            }
            else if (child is JsonObject or JsonArray)
            {
                ExpandJson(child, backend, path, childSetting, problems);
            }
        }
    }

    private void ExpandValues(Dictionary<string, string> values, LlmBackendConfig backend, string path, string setting, List<string> problems)
    {
        foreach (var entry in values.ToList())
        {
            if (entry.Value.Contains('$', StringComparison.Ordinal))
            {
                values[entry.Key] = Expand(entry.Value, backend, path, $"{setting}:{entry.Key}", problems);
            }
        }
    }

    /// <summary>Expands the references in one value.</summary>
    /// <param name="value">The configured text.</param>
    /// <param name="backend">The backend, for messages.</param>
    /// <param name="path">The backend's configuration path.</param>
    /// <param name="setting">The setting's name.</param>
    /// <param name="problems">Receives unresolvable references.</param>
    /// <returns>The expanded text (unresolved references are left empty).</returns>
    public string Expand(string value, LlmBackendConfig backend, string path, string setting, List<string> problems) =>
        Expand(value, $"{path} ({Describe(backend)})", setting, "or set Enabled to false for this backend", problems);

    /// <summary>Expands the references in one value of any setting.</summary>
    /// <param name="value">The configured text.</param>
    /// <param name="where">Where the setting is, for messages (for example <c>LlmSettings:Usage</c>).</param>
    /// <param name="setting">The setting's name.</param>
    /// <param name="alternative">What else the user may do about an unset variable, for messages (may be empty).</param>
    /// <param name="problems">Receives unresolvable references.</param>
    /// <returns>The expanded text (unresolved references are left empty).</returns>
    public string Expand(string value, string where, string setting, string alternative, List<string> problems)
    {
        var result = new StringBuilder(value.Length);
        var position = 0;
        while (position < value.Length)
        {
            var dollar = value.IndexOf('$', position);
            if (dollar < 0)
            {
                result.Append(value, position, value.Length - position);
                break;
            }

            result.Append(value, position, dollar - position);
            if (value.AsSpan(dollar).StartsWith("$${", StringComparison.Ordinal))
            {
                result.Append("${");
                position = dollar + 3;
                continue;
            }

            if (!value.AsSpan(dollar).StartsWith("${", StringComparison.Ordinal))
            {
                result.Append('$');
                position = dollar + 1;
                continue;
            }

            var close = value.IndexOf('}', dollar + 2);
            if (close < 0)
            {
                problems.Add($"{where}: {setting} has '${{' without a closing '}}'. Write ${{NAME}} to read an environment variable, or $${{ for a literal '${{'.");
                return value;
            }

            var reference = value.Substring(dollar + 2, close - dollar - 2);
            var fallbackAt = reference.IndexOf(":-", StringComparison.Ordinal);
            var name = (fallbackAt >= 0 ? reference[..fallbackAt] : reference).Trim();
            if (name.Length == 0)
            {
                problems.Add($"{where}: {setting} has an empty reference '${{}}'; write ${{NAME}} with the environment variable's name.");
            }
            else
            {
                var resolved = _lookup(name);
                if (!string.IsNullOrEmpty(resolved))
                {
                    result.Append(resolved);
                }
                else if (fallbackAt >= 0)
                {
                    result.Append(reference.AsSpan(fallbackAt + 2));
                }
                else
                {
                    problems.Add(
                        $"{where}: {setting} references environment variable {name}, which is not set. " +
                        (alternative.Length == 0 ? $"Set {name}." : $"Set {name}, {alternative}."));
                }
            }

            position = close + 1;
        }

        return result.ToString();
    }

    private static string Describe(LlmBackendConfig backend) =>
        string.IsNullOrWhiteSpace(backend.Name) ? "unnamed backend" : $"backend '{backend.Name}'";
}
