using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// Reads fields of a parsed JSON request strictly: a field that is present must have the documented kind (a string, a
/// whole number, true or false, …) and valid Unicode text, or the first such problem is kept in <see cref="Problem"/>,
/// naming the field (<c>messages.0.content</c>). A field sent as <c>null</c> counts as absent. Nothing is silently ignored.
/// </summary>
internal sealed class JsonFieldReader
{
    /// <summary>Gets the first problem found, or <see langword="null"/>.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads a string field.</summary>
    public string? String(JsonNode? parent, string name, string path, bool required = false) =>
        StringValue(Field(parent, name, required, path), path);

    /// <summary>Reads a node that must be a string (for example an array element).</summary>
    public string? StringValue(JsonNode? node, string path)
    {
        if (node is null || Problem is not null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            return Fail<string>($"{path}: must be a string, not {Describe(node)}");
        }

        try
        {
            return node.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            return Fail<string>($"{path}: is not valid Unicode text (invalid UTF-8, or half of a surrogate pair); send valid UTF-8");
        }
    }

    /// <summary>Reads a true/false field.</summary>
    public bool? Boolean(JsonNode? parent, string name, string path)
    {
        var node = Field(parent, name, required: false, path);
        return node is null ? null
            : node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? node.GetValue<bool>()
            : Fail<bool?>($"{path}: must be true or false, not {Describe(node)}");
    }

    /// <summary>Reads a number field; it must be finite.</summary>
    public double? Number(JsonNode? parent, string name, string path)
    {
        var node = Field(parent, name, required: false, path);
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number)
        {
            return Fail<double?>($"{path}: must be a number, not {Describe(node)}");
        }

        return node.AsValue().TryGetValue<double>(out var number) && double.IsFinite(number)
            ? number
            : Fail<double?>($"{path}: must be a finite number (this one is too large to represent)");
    }

    /// <summary>Reads a whole-number field.</summary>
    public int? Integer(JsonNode? parent, string name, string path, bool required = false)
    {
        var node = Field(parent, name, required, path);
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var number)
            ? number
            : Fail<int?>($"{path}: must be a whole number (up to 2147483647), not {Describe(node)}");
    }

    /// <summary>Reads an object field.</summary>
    public JsonObject? Object(JsonNode? parent, string name, string path, bool required = false)
    {
        var node = Field(parent, name, required, path);
        return node is null ? null : node as JsonObject ?? Fail<JsonObject>($"{path}: must be an object, not {Describe(node)}");
    }

    /// <summary>Reads an array field.</summary>
    public JsonArray? Array(JsonNode? parent, string name, string path, bool required = false)
    {
        var node = Field(parent, name, required, path);
        return node is null ? null : node as JsonArray ?? Fail<JsonArray>($"{path}: must be a list, not {Describe(node)}");
    }

    /// <summary>Checks that a node (a list element) is an object; records the problem when it is not.</summary>
    /// <returns><see langword="true"/> for an object.</returns>
    public bool IsObject(JsonNode? node, string path)
    {
        if (node is JsonObject)
        {
            return true;
        }

        Fail<JsonObject>($"{path}: must be an object, not {Describe(node)}");
        return false;
    }

    /// <summary>A client's value as it is repeated in a message: at most 60 characters.</summary>
    public static string Quote(string? text) =>
        text is null ? string.Empty : text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");

    /// <summary>Records a problem found by the caller (the first one is kept).</summary>
    public T? Fail<T>(string problem)
    {
        Problem ??= problem;
        return default;
    }

    /// <summary>Names a node's kind for messages: "a string", "a number", "an object", …</summary>
    public static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "a list",
        _ => "an object",
    };

    private JsonNode? Field(JsonNode? parent, string name, bool required, string path)
    {
        if (Problem is not null || parent is not JsonObject obj)
        {
            return null;
        }

        var node = obj[name];
        if (node is null && required)
        {
            Fail<JsonNode>($"{path}: Field required");
        }

        return node;
    }
}
