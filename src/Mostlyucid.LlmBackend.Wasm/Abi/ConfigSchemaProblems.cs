using System.Text.Json.Nodes;
using Json.Pointer;
using Json.Schema;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// Turns JsonSchema.Net's evaluation of a plugin configuration (its <see cref="OutputFormat.List"/> output) into one
/// message per problem: the field named from the instance location (<c>PluginConfig:system:1</c>), what the schema asks
/// from the failing keyword and the schema (never the value). Failures inside <c>anyOf</c> / <c>oneOf</c> alternatives
/// become one message for the field when no alternative fits; those inside <c>if</c>, <c>not</c> and <c>contains</c> are
/// only conditions and are not problems of their own.
/// </summary>
internal sealed class ConfigSchemaProblems
{
    private static readonly HashSet<string> NamingKeywords = new(StringComparer.Ordinal) { "properties", "patternProperties", "definitions", "$defs", "dependentSchemas" };
    private static readonly HashSet<string> Alternatives = new(StringComparer.Ordinal) { "anyOf", "oneOf" };
    private static readonly HashSet<string> Conditions = new(StringComparer.Ordinal) { "if", "not", "contains" };
    private static readonly HashSet<string> ClosedObjectKeywords = new(StringComparer.Ordinal) { "additionalProperties", "unevaluatedProperties" };

    private readonly EvaluationResults _results;
    private readonly JsonObject _root;
    private readonly JsonObject _config;
    private readonly string _path;
    private readonly HashSet<string> _leftOut;
    private readonly Dictionary<(string Instance, string Evaluation), bool> _validity = new();
    private readonly List<string> _problems = new();

    /// <summary>Initializes a new instance of the <see cref="ConfigSchemaProblems"/> class.</summary>
    /// <param name="results">The evaluation, in the list format.</param>
    /// <param name="root">The schema as JSON.</param>
    /// <param name="config">The configuration evaluated.</param>
    /// <param name="path">How to name the configuration in messages.</param>
    /// <param name="leftOut">Top-level settings the host leaves out, not reported as unknown.</param>
    public ConfigSchemaProblems(EvaluationResults results, JsonObject root, JsonObject config, string path, IEnumerable<string> leftOut)
    {
        _results = results;
        _root = root;
        _config = config;
        _path = path;
        _leftOut = new HashSet<string>(leftOut, StringComparer.Ordinal);
    }

    private IEnumerable<EvaluationResults> Nodes => _results.Details is { } details ? details.Prepend(_results) : new[] { _results };

    /// <summary>Describes every problem the evaluation found.</summary>
    /// <returns>The messages, in the order JsonSchema.Net found the problems, each once.</returns>
    public List<string> Describe()
    {
        foreach (var node in Nodes)
        {
            _validity.TryAdd((node.InstanceLocation.ToString(), node.EvaluationPath.ToString()), node.IsValid);
        }

        foreach (var node in Nodes)
        {
            if (node.IsValid || node.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            var segments = Segments(node.EvaluationPath);
            var branch = BranchAt(segments);
            if (branch < 0)
            {
                foreach (var keyword in errors.Keys)
                {
                    DescribeKeyword(node, keyword, segments);
                }
            }
            else if (Alternatives.Contains(segments[branch]))
            {
                DescribeAlternatives(node, segments, branch);
            }
        }

        return _problems;
    }

    private void DescribeKeyword(EvaluationResults node, string keyword, string[] segments)
    {
        var at = Name(node.InstanceLocation);
        if (keyword.Length == 0)
        {
            // A false schema: in additionalProperties / unevaluatedProperties, a setting the object does not declare.
            if (segments.Length == 0 || !ClosedObjectKeywords.Contains(segments[^1]))
            {
                Add($"{at} is not allowed by the plugin's configuration schema.");
            }
            else if (node.InstanceLocation.SegmentCount != 1 || !_leftOut.Contains(Decoded(node.InstanceLocation, 0)))
            {
                var known = Schema(node, drop: 1, keyword: "properties")?["properties"] is JsonObject properties && properties.Count > 0
                    ? string.Join(", ", properties.Select(p => p.Key))
                    : "none";
                Add($"{at} is not a setting this plugin knows (it knows: {known}).");
            }

            return;
        }

        node.InstanceLocation.TryEvaluate(_config, out var value);
        foreach (var message in SchemaProblemMessages.For(keyword, at, Schema(node, drop: 0, keyword), value))
        {
            Add(message);
        }
    }

    private void DescribeAlternatives(EvaluationResults node, string[] segments, int branch)
    {
        var owner = segments.Length == branch ? string.Empty : "/" + string.Join('/', segments[..branch]);
        var kind = segments[branch];
        var first = $"{owner}/{kind}/0";
        var ownerInstance = Nodes.Where(n => n.EvaluationPath.ToString() == first && node.InstanceLocation.StartsWith(n.InstanceLocation))
            .Select(n => (JsonPointer?)n.InstanceLocation)
            .FirstOrDefault() ?? node.InstanceLocation;
        var fitting = 0;
        for (var i = 0; _validity.TryGetValue((ownerInstance.ToString(), $"{owner}/{kind}/{i}"), out var valid); i++)
        {
            fitting += valid ? 1 : 0;
        }

        if (kind == "anyOf" ? fitting == 0 : fitting != 1)
        {
            Add($"{Name(ownerInstance)} must match {(kind == "oneOf" ? "exactly one" : "one")} of the forms the plugin's configuration schema allows.");
        }
    }

    /// <summary>Finds the subschema that holds a keyword: by the schema location, else by the evaluation path.</summary>
    private JsonObject? Schema(EvaluationResults node, int drop, string keyword)
    {
        var fragment = node.SchemaLocation.Fragment.TrimStart('#');
        if (JsonPointer.TryParse(Uri.UnescapeDataString(fragment), out var located) && Holds(At(located, drop), keyword) is { } byLocation)
        {
            return byLocation;
        }

        return Holds(At(node.EvaluationPath, drop), keyword);
    }

    private JsonNode? At(JsonPointer pointer, int drop)
    {
        var target = drop == 0 ? pointer : pointer.GetParent(drop);
        return target is { } p && p.TryEvaluate(_root, out var found) ? found : null;
    }

    private static JsonObject? Holds(JsonNode? schema, string keyword) => schema is JsonObject obj && obj.ContainsKey(keyword) ? obj : null;

    /// <summary>The index of the first <c>anyOf</c>/<c>oneOf</c>/<c>if</c>/<c>not</c>/<c>contains</c> the path goes through, or -1.</summary>
    private static int BranchAt(string[] segments)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            if (NamingKeywords.Contains(segments[i]))
            {
                i++;
            }
            else if (Alternatives.Contains(segments[i]) || Conditions.Contains(segments[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string[] Segments(JsonPointer pointer) => Enumerable.Range(0, pointer.SegmentCount).Select(i => pointer[i].ToString()).ToArray();

    private string Name(JsonPointer instance) =>
        _path + string.Concat(Enumerable.Range(0, instance.SegmentCount).Select(i => ":" + Decoded(instance, i)));

    private static string Decoded(JsonPointer pointer, int index) =>
        pointer[index].ToString().Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private void Add(string message)
    {
        if (!_problems.Contains(message))
        {
            _problems.Add(message);
        }
    }
}
