using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>
/// Turns a providers file's document into backends: each <c>providers</c> entry's <c>name</c> becomes the backend's name,
/// its <c>path</c> the plugin (<c>.wasm</c> → type <c>Wasm</c>; <c>.so</c>, <c>.dylib</c>, <c>.dll</c> → <c>Native</c>;
/// relative to the file's folder), its <c>config</c> the plugin's configuration (<c>config.model</c> is also the backend's
/// model). Two keys QueryMT does not have are accepted: <c>priority</c> and <c>allowed_hosts</c>.
/// </summary>
internal static class ProvidersFileMapper
{
    private static readonly string[] EntryKeys = { "name", "path", "config", "priority", "allowed_hosts" };
    private static readonly string[] TopLevelKeys = { "providers", "oci" };

    /// <summary>Maps a document.</summary>
    /// <param name="document">The file's content as JSON.</param>
    /// <param name="file">The file as configured, for messages.</param>
    /// <param name="directory">The file's folder, for relative plugin paths.</param>
    /// <param name="problems">Receives every problem; entries with problems are left out.</param>
    /// <returns>The backends of the entries without problems.</returns>
    public static IReadOnlyList<ProvidersFileBackend> Map(JsonNode? document, string file, string directory, ICollection<string> problems)
    {
        var backends = new List<ProvidersFileBackend>();
        if (document is not JsonObject root)
        {
            problems.Add($"{file}: expected a table with a 'providers' list (for example [[providers]] name = \"openai\" path = \"plugins/openai.wasm\").");
            return backends;
        }

        foreach (var (key, _) in root)
        {
            if (!TopLevelKeys.Contains(key, StringComparer.Ordinal))
            {
                problems.Add($"{file}: '{key}' is not a key of a providers file (it has 'providers', and QueryMT's 'oci', which is not used here).");
            }
        }

        if (root["providers"] is not JsonArray entries)
        {
            problems.Add($"{file}: 'providers' is {(root.ContainsKey("providers") ? "not a list" : "missing")}: declare each plugin as a [[providers]] entry with a name and a path.");
            return backends;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var at = $"{file}: providers[{i}]";
            if (entries[i] is not JsonObject entry)
            {
                problems.Add($"{at}: each entry is a table with a name and a path, found {Kind(entries[i])}.");
                continue;
            }

            var before = problems.Count;
            var backend = MapEntry(entry, at, directory, problems);
            if (backend is not null && problems.Count == before)
            {
                backends.Add(new ProvidersFileBackend(backend, at));
            }
        }

        return backends;
    }

    private static LlmBackendConfig? MapEntry(JsonObject entry, string at, string directory, ICollection<string> problems)
    {
        foreach (var (key, _) in entry)
        {
            if (!EntryKeys.Contains(key, StringComparer.Ordinal))
            {
                problems.Add($"{at}: '{key}' is not a key of a providers entry (it has name, path, config, and here also priority and allowed_hosts); plugin settings go in config.");
            }
        }

        var name = RequiredString(entry, "name", at, problems);
        var path = RequiredString(entry, "path", at, problems);
        var config = entry["config"];
        if (config is not null and not JsonObject)
        {
            problems.Add($"{at}.config: must be a table of the plugin's settings, found {Kind(config)}.");
        }

        var priority = Priority(entry["priority"], at, problems);
        var allowedHosts = AllowedHosts(entry["allowed_hosts"], at, problems);
        var (type, pluginPath) = path is null ? (null, null) : Plugin(path, at, directory, problems);
        if (name is null || type is null || pluginPath is null)
        {
            return null;
        }

        var pluginConfig = (config as JsonObject)?.DeepClone().AsObject();
        var backend = new LlmBackendConfig
        {
            Name = name,
            Type = type,
            PluginPath = pluginPath,
            PluginConfig = pluginConfig,
            ModelName = pluginConfig?["model"] is JsonValue model && model.GetValueKind() == JsonValueKind.String ? model.GetValue<string>() : null,
            AllowedHosts = allowedHosts,
        };
        if (priority is { } value)
        {
            backend.Priority = value;
        }

        return backend;
    }

    private static (string? Type, string? Path) Plugin(string path, string at, string directory, ICollection<string> problems)
    {
        if (path.Contains("://", StringComparison.Ordinal))
        {
            problems.Add($"{at}.path: '{path}' is a registry or URL reference; plugins are not downloaded here. Download the module (for example with `oras pull`) and give its file path.");
            return (null, null);
        }

        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        var type = extension switch
        {
            ".wasm" => WasmBackendPlugin.WasmType,
            ".so" or ".dylib" or ".dll" => WasmBackendPlugin.NativeType,
            _ => null,
        };
        if (type is null)
        {
            problems.Add($"{at}.path: '{path}' must be a WebAssembly module (.wasm) or a native library (.so, .dylib, .dll).");
            return (null, null);
        }

        var full = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(directory, path));
        if (!File.Exists(full))
        {
            problems.Add($"{at}.path: '{full}' does not exist (a relative path is relative to the providers file's folder).");
            return (null, null);
        }

        return (type, full);
    }

    private static string? RequiredString(JsonObject entry, string key, string at, ICollection<string> problems)
    {
        if (entry[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
        {
            return text.Trim();
        }

        problems.Add(entry.ContainsKey(key)
            ? $"{at}.{key}: must be a non-empty string, found {Kind(entry[key])}."
            : $"{at}: '{key}' is required.");
        return null;
    }

    private static int? Priority(JsonNode? node, string at, ICollection<string> problems)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) && number is >= int.MinValue and <= int.MaxValue)
        {
            return (int)number;
        }

        problems.Add($"{at}.priority: must be a whole number (lower is tried first), found {Kind(node)}.");
        return null;
    }

    private static List<string> AllowedHosts(JsonNode? node, string at, ICollection<string> problems)
    {
        var hosts = new List<string>();
        if (node is null)
        {
            return hosts;
        }

        if (node is not JsonArray array)
        {
            problems.Add($"{at}.allowed_hosts: must be a list of host names (for example [\"eu.api.mistral.ai\"]), found {Kind(node)}.");
            return hosts;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetValue<string>()))
            {
                hosts.Add(value.GetValue<string>().Trim());
            }
            else
            {
                problems.Add($"{at}.allowed_hosts[{i}]: must be a host name, found {Kind(array[i])}.");
            }
        }

        return hosts;
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "a table",
        JsonArray => "a list",
        JsonValue value => value.GetValueKind() switch
        {
            // A string's content is never repeated: a value in the wrong place may be a credential.
            JsonValueKind.String => "a string",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
            _ => value.ToJsonString(),
        },
        _ => "an unknown value",
    };
}
