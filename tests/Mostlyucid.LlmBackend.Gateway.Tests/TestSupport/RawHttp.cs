using System.Net.Sockets;
using System.Text;

namespace Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

/// <summary>
/// Sends an HTTP/1.1 request byte for byte over a socket — the path exactly as written (double slashes, dot segments,
/// percent-encoding and odd casing survive, which HttpClient would normalise) — and reads the whole response.
/// </summary>
public static class RawHttp
{
    /// <summary>A response: status, headers (lower-case names) and body text.</summary>
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>Sends a request and reads the response (the connection is closed after it).</summary>
    /// <param name="baseUrl">The server, for example http://127.0.0.1:5000.</param>
    /// <param name="method">The method.</param>
    /// <param name="target">The request target as sent, for example <c>/V1//chat/completions</c>.</param>
    /// <param name="headers">Extra header lines (<c>Name: value</c>).</param>
    /// <param name="body">The body, if any (sent with Content-Length).</param>
    /// <param name="host">The Host header (default: the server's own host and port).</param>
    public static async Task<Response> SendAsync(string baseUrl, string method, string target, IEnumerable<string>? headers = null, string? body = null, string? host = null)
    {
        var uri = new Uri(baseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        await using var stream = client.GetStream();
        var bodyBytes = body is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(body);
        var request = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host ?? uri.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var header in headers ?? Array.Empty<string>())
        {
            request.Append(header).Append("\r\n");
        }

        if (body is not null)
        {
            request.Append("Content-Length: ").Append(bodyBytes.Length).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(bodyBytes);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return Parse(buffer.ToArray());
    }

    private static Response Parse(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..headerEnd].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = text[(headerEnd + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Response(status, headers, body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[position..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}
