using System.Net;
using System.Net.Http.Headers;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// The upstream as an in-memory <see cref="HttpMessageHandler"/>: answers every request at once with precomputed bytes
/// (a stream when the body asks for one), so a benchmark measures the gateway's own work and no network.
/// </summary>
internal sealed class InMemoryUpstream : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");
    private readonly byte[] _stream;

    public InMemoryUpstream(int streamChunks)
    {
        _stream = Payloads.UpstreamStream(streamChunks);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Reading the body is part of what a real upstream makes the client do: the request is serialized here.
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var stream = body.AsSpan().IndexOf("\"stream\":true"u8) >= 0;
        var content = new ByteArrayContent(stream ? _stream : Payloads.UpstreamCompletion);
        content.Headers.ContentType = stream ? EventStream : Json;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
