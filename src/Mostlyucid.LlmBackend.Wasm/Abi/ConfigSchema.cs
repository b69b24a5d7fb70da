using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// The JSON Schema a plugin publishes for its configuration (<c>config_schema</c>), used three ways: to give configuration
/// values their types (configuration files hold text; the schema says which values are numbers, booleans or lists), to
/// find the top-level settings the plugin does not know (the host leaves them out, as QueryMT does), and to check the
/// rest before the plugin sees it with JsonSchema.Net, naming every field that is wrong and never its value.
/// </summary>
internal sealed class ConfigSchema
{
    private static readonly EvaluationOptions EveryProblem = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly JsonObject? _root;
    private readonly JsonSchema? _schema;

    private ConfigSchema(JsonObject? root, JsonSchema? schema)
    {
        _root = root;
        _schema = schema;
    }

    /// <summary>Gets a schema that accepts anything (a plugin that publishes none).</summary>
    public static ConfigSchema None { get; } = new(null, null);

    /// <summary>Gets the schema as the plugin declared it (JSON), or <see langword="null"/> when it declared none.</summary>
    public string? Text => _root?.ToJsonString();

    /// <summary>Reads a schema from its JSON text.</summary>
    /// <param name="text">The text <c>config_schema</c> returned; empty for none.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="FormatException">The text is not a JSON object, or not a JSON Schema JsonSchema.Net can check.</exception>
    public static ConfigSchema Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"config_schema did not return JSON ({ex.Message})", ex);
        }

        if (node is not JsonObject root)
        {
            throw new FormatException("config_schema did not return a JSON object");
        }

        try
        {
            // A registry of its own: plugins' schemas are not shared with each other or with the rest of the process.
            return new ConfigSchema(root, JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException)
        {
            throw new FormatException($"config_schema is not a JSON Schema this host can check ({ex.Message})", ex);
        }
    }

    /// <summary>Gets whether the schema has a <c>properties</c> object (without one it takes any setting).</summary>
    public bool HasProperties => _root?["properties"] is JsonObject;

    /// <summary>Gets the top-level settings the schema declares (its <c>properties</c>), in its order.</summary>
    public IReadOnlyList<string> DeclaredKeys =>
        _root?["properties"] is JsonObject properties ? properties.Select(p => p.Key).ToList() : Array.Empty<string>();

    /// <summary>Gets whether the schema declares a top-level field.</summary>
    /// <param name="field">The field's name.</param>
    /// <returns><see langword="true"/> when <c>properties</c> names it.</returns>
    public bool Declares(string field) => _root?["properties"] is JsonObject properties && properties.ContainsKey(field);

    /// <summary>Gets whether the schema lists a field as required.</summary>
    /// <param name="field">The field's name.</param>
    /// <returns><see langword="true"/> when <c>required</c> names it.</returns>
    public bool Requires(string field) => _root?["required"] is JsonArray required && required.Any(r => r is JsonValue v && v.TryGetValue<string>(out var name) && name == field);

    /// <summary>Converts text values to the types the schema asks for, in place.</summary>
    /// <param name="config">The configuration.</param>
    public void Coerce(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (_root is not null)
        {
            ConfigCoercion.CoerceObject(config, _root);
        }
    }

    /// <summary>
    /// Gets the top-level settings the schema does not declare: those that are neither in its <c>properties</c> nor match its
    /// <c>patternProperties</c>, when it forbids others (<c>additionalProperties: false</c>). Empty when the schema declares
    /// no properties or allows any setting.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The names of the undeclared settings, in the configuration's order.</returns>
    public IReadOnlyList<string> UndeclaredKeys(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (_root?["properties"] is not JsonObject properties || !ForbidsOtherKeys(_root))
        {
            return Array.Empty<string>();
        }

        var patterns = (_root["patternProperties"] as JsonObject)?.Select(p => p.Key).ToList() ?? new List<string>();
        return config.Select(p => p.Key).Where(key => !properties.ContainsKey(key) && !patterns.Any(pattern => Matches(key, pattern))).ToList();
    }

    /// <summary>Copies a configuration without the settings <see cref="UndeclaredKeys"/> names.</summary>
    /// <param name="config">The configuration (not changed).</param>
    /// <returns>A copy holding only the settings the schema declares.</returns>
    public JsonObject WithoutUndeclared(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var copy = config.DeepClone().AsObject();
        foreach (var key in UndeclaredKeys(config))
        {
            copy.Remove(key);
        }

        return copy;
    }

    /// <summary>
    /// Checks a configuration against the schema. Top-level settings the schema does not declare are not reported: the
    /// host leaves them out first (<see cref="WithoutUndeclared"/>); undeclared settings inside a setting are.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="path">How to name it in messages (for example <c>Backend 'x': PluginConfig</c>).</param>
    /// <returns>Every problem found, each naming its field (<c>{path}:temperature must be at most 2.</c>) and never its value.</returns>
    public IReadOnlyList<string> Validate(JsonObject config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (_schema is null || _root is null)
        {
            return Array.Empty<string>();
        }

        try
        {
            using var instance = JsonDocument.Parse(config.ToJsonString());
            var results = _schema.Evaluate(instance.RootElement, EveryProblem);
            return results.IsValid ? Array.Empty<string>() : new ConfigSchemaProblems(results, _root, config, path, UndeclaredKeys(config)).Describe();
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException)
        {
            return new[] { $"{path}: the plugin's configuration schema could not be applied ({ex.Message})." };
        }
    }

    private static bool ForbidsOtherKeys(JsonObject schema) =>
        schema["additionalProperties"] is JsonValue additional && additional.TryGetValue<bool>(out var allowed) && !allowed;

    private static bool Matches(string key, string pattern)
    {
        try
        {
            return Regex.IsMatch(key, pattern, RegexOptions.None, PatternTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
