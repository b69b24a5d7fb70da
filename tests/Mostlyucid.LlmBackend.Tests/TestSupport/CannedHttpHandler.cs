using System.Net;
using System.Text;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// Answers every request with a recorded body, and keeps the requests, for wire-format tests that check parsing of a
/// provider's documented responses exactly (integration behaviour is tested on real HTTP against the fake provider).
/// </summary>
public sealed class CannedHttpHandler : HttpMessageHandler
{
    private readonly HttpStatusCode _status;
    private readonly byte[] _body;
    private readonly string _contentType;

    public CannedHttpHandler(string body, string contentType = "application/json", HttpStatusCode status = HttpStatusCode.OK)
        : this(Encoding.UTF8.GetBytes(body), contentType, status)
    {
    }

    /// <summary>Answers with exactly these bytes (for bodies that are not valid UTF-8).</summary>
    public CannedHttpHandler(byte[] body, string contentType = "application/json", HttpStatusCode status = HttpStatusCode.OK)
    {
        _body = body;
        _contentType = contentType;
        _status = status;
    }

    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(_contentType) { CharSet = Encoding.UTF8.WebName };
        return new HttpResponseMessage(_status) { Content = content };
    }
}
