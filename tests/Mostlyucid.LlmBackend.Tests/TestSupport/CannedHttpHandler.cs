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
    private readonly string _body;
    private readonly string _contentType;

    public CannedHttpHandler(string body, string contentType = "application/json", HttpStatusCode status = HttpStatusCode.OK)
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
        return new HttpResponseMessage(_status) { Content = new StringContent(_body, Encoding.UTF8, _contentType) };
    }
}
