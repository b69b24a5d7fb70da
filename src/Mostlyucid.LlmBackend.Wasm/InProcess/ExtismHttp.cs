using System.Buffers;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.Wasm.Abi;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// Extism's own <c>http_request</c> (<c>{"url","method","headers"}</c> and a body block in, the response body block
/// out; the status and headers read by <c>http_status_code</c> and <c>http_headers</c>), sent through the plugin's HTTP
/// like QueryMT's requests, so the same allowed hosts and time limits hold.
/// </summary>
internal static class ExtismHttp
{
    public static long Send(HostContext context, long requestOffset, long bodyOffset)
    {
        if (context.Plugin.Http is not { } http)
        {
            throw new InvalidOperationException("This host sends no HTTP requests for this plugin.");
        }

        var envelope = Envelope(context.Kernel.Read(requestOffset), context.Kernel.Read(bodyOffset));
        byte[] answer;
        try
        {
            answer = HostFunctions.Wait(http.SendAsync(envelope, context.CallCancellation));
        }
        finally
        {
            context.RestartClock();
        }

        var (status, headers, body) = HttpWire.ParseResponse(answer);
        context.LastHttpStatus = status;
        context.LastHttpHeaders = JsonSerializer.SerializeToUtf8Bytes(headers, WasmJsonContext.Default.DictionaryStringString);
        return context.Kernel.Store(body);
    }

    private static byte[] Envelope(ReadOnlySpan<byte> request, ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(request);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var url = root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : throw new InvalidOperationException("http_request: the request has no url");
        var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "GET";
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("req");
            writer.WriteStartObject("head");
            writer.WriteString("method", method.ToUpperInvariant());
            writer.WriteString("uri", url);
            writer.WriteStartObject("headers");
            if (root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headers.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.String))
                {
                    writer.WriteString(header.Name.ToLowerInvariant(), header.Value.GetString());
                }
            }

            writer.WriteEndObject();
            writer.WriteString("version", "HTTP/1.1");
            writer.WriteEndObject();
            HttpWire.WriteBytes(writer, "body", body);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
