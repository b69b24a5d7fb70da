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
    private readonly Dictionary<int, byte[]> _streamsByPort;
    private readonly bool _eventPerRead;

    /// <param name="streamChunks">The content chunks of every stream.</param>
    /// <param name="streamChunksByPort">Other stream lengths for requests to given ports of the upstream's URL.</param>
    /// <param name="eventPerRead">
    /// Whether a stream's body gives one event per read, as it arrives from a real upstream that writes each chunk as it is
    /// produced (otherwise the whole body can come in one read).
    /// </param>
    public InMemoryUpstream(int streamChunks, IReadOnlyDictionary<int, int>? streamChunksByPort = null, bool eventPerRead = false)
    {
        _stream = Payloads.UpstreamStream(streamChunks);
        _streamsByPort = (streamChunksByPort ?? new Dictionary<int, int>()).ToDictionary(p => p.Key, p => Payloads.UpstreamStream(p.Value));
        _eventPerRead = eventPerRead;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Reading the body is part of what a real upstream makes the client do: the request is serialized here.
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var stream = body.AsSpan().IndexOf("\"stream\":true"u8) >= 0 || body.AsSpan().IndexOf("\"stream\": true"u8) >= 0;
        var streamBytes = request.RequestUri is { } uri && _streamsByPort.TryGetValue(uri.Port, out var forPort) ? forPort : _stream;
        HttpContent content = stream && _eventPerRead ? new StreamContent(new EventPerReadStream(streamBytes)) : new ByteArrayContent(stream ? streamBytes : Payloads.UpstreamCompletion);
        content.Headers.ContentType = stream ? EventStream : Json;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
