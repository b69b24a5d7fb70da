using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// HTTP requests and responses as QueryMT's plugins exchange them (http-serde-ext's JSON):
/// <c>{"req":{"head":{"method","uri","headers","version"},"body":[bytes]}}</c> and
/// <c>{"resp":{"head":{"status","headers","version"},"body":[bytes]}}</c>, bodies as arrays of numbers.
/// </summary>
internal static class HttpWire
{
    /// <summary>Reads a request envelope a plugin built.</summary>
    /// <param name="json">The envelope.</param>
    /// <returns>The request.</returns>
    /// <exception cref="FormatException">The envelope is not a valid request; the message says what is wrong.</exception>
    public static PluginHttpRequest ParseRequest(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the request it built is not JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("req", out var request) || request.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the request it built has no \"req\" object");
            }

            if (!request.TryGetProperty("head", out var head) || head.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the request it built has no \"req.head\" object");
            }

            var method = head.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : throw new FormatException("req.head.method is missing");
            var uriText = head.TryGetProperty("uri", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : throw new FormatException("req.head.uri is missing");
            if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"req.head.uri '{uriText}' is not an absolute http(s) URL");
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (head.TryGetProperty("headers", out var headerMap) && headerMap.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headerMap.EnumerateObject())
                {
                    if (header.Value.ValueKind == JsonValueKind.String)
                    {
                        headers.Add(new(header.Name, header.Value.GetString()!));
                    }
                    else if (header.Value.ValueKind == JsonValueKind.Array)
                    {
                        headers.AddRange(header.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => new KeyValuePair<string, string>(header.Name, v.GetString()!)));
                    }
                }
            }

            var body = request.TryGetProperty("body", out var b) ? ReadBytes(b, "req.body") : Array.Empty<byte>();
            return new PluginHttpRequest(method, uri, headers, body);
        }
    }

    /// <summary>Reads a response envelope (<c>{"resp":{…}}</c>) back into its status, headers and body.</summary>
    /// <exception cref="FormatException">The envelope is not a valid response.</exception>
    public static (int Status, Dictionary<string, string> Headers, byte[] Body) ParseResponse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resp", out var response) || !response.TryGetProperty("head", out var head))
            {
                throw new FormatException("the response has no \"resp.head\" object");
            }

            var status = head.TryGetProperty("status", out var s) && s.TryGetInt32(out var code) ? code : throw new FormatException("resp.head.status is missing");
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (head.TryGetProperty("headers", out var map) && map.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in map.EnumerateObject())
                {
                    headers[header.Name] = header.Value.ValueKind == JsonValueKind.Array
                        ? string.Join(", ", header.Value.EnumerateArray().Select(v => v.GetString()))
                        : header.Value.GetString() ?? string.Empty;
                }
            }

            var body = response.TryGetProperty("body", out var b) ? ReadBytes(b, "resp.body") : Array.Empty<byte>();
            return (status, headers, body);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the response is not JSON ({ex.Message})");
        }
    }

    /// <summary>Reads a byte array written as an array of numbers.</summary>
    public static byte[] ReadBytes(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{what} is not an array of byte values");
        }

        var bytes = new byte[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetByte(out var value))
            {
                throw new FormatException($"{what}[{i}] is not a byte value (0–255)");
            }

            bytes[i++] = value;
        }

        return bytes;
    }

    /// <summary>Writes <c>"name":{"resp":{…}}</c> for a parse call's input.</summary>
    public static void WriteResponse(Utf8JsonWriter writer, int status, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, ReadOnlySpan<byte> body)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("head");
        writer.WriteNumber("status", status);
        writer.WriteStartObject("headers");
        foreach (var (name, values) in headers)
        {
            var visible = values.Where(IsVisibleAscii).ToList();
            if (visible.Count == 1)
            {
                writer.WriteString(name.ToLowerInvariant(), visible[0]);
            }
            else if (visible.Count > 1)
            {
                writer.WriteStartArray(name.ToLowerInvariant());
                visible.ForEach(writer.WriteStringValue);
                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
        writer.WriteString("version", "HTTP/1.1");
        writer.WriteEndObject();
        WriteBytes(writer, "body", body);
        writer.WriteEndObject();
    }

    /// <summary>Builds a whole <c>{"resp":{…}}</c> envelope (the answer to a plugin's own <c>qmt_http_request</c>).</summary>
    public static string ResponseEnvelope(int status, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("resp");
            WriteResponse(writer, status, headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, new[] { h.Value })), body);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes a byte array as an array of numbers (a body, or a stream line for the parser).</summary>
    public static void WriteBytes(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes)
    {
        writer.WriteStartArray(name);
        foreach (var b in bytes)
        {
            writer.WriteNumberValue(b);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes a JSON node (the plugin's configuration) as a property.</summary>
    public static void WriteNode(Utf8JsonWriter writer, string name, JsonNode? node)
    {
        writer.WritePropertyName(name);
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }

    private static bool IsVisibleAscii(string value) => value.All(c => c is >= ' ' and <= '~' or '\t');
}
