using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>A request body read whole into a pooled buffer (returned on dispose), so it can be checked before it is parsed.</summary>
internal sealed class BufferedBody : IDisposable
{
    private const int InitialSize = 4096;

    // The declared length sizes the first buffer only up to here: a client that declares a large body and sends it
    // slowly must not make the gateway hold the whole size in advance.
    private const int LargestFirstBuffer = 64 * 1024;
    private byte[] _buffer;
    private int _length;

    private BufferedBody(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    /// <summary>Gets the body.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Reads the request's body (within its limit: the gate bounds the stream).</summary>
    public static async ValueTask<BufferedBody> ReadAsync(HttpContext context)
    {
        var declared = context.Request.ContentLength;
        var body = new BufferedBody(declared is > 0 ? (int)Math.Min(declared.Value + 1, LargestFirstBuffer) : InitialSize);
        try
        {
            var stream = context.Request.Body;
            while (true)
            {
                if (body._length == body._buffer.Length)
                {
                    body.Grow();
                }

                var read = await stream.ReadAsync(body._buffer.AsMemory(body._length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return body;
                }

                body._length += read;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        var length = _length;
        _buffer = Array.Empty<byte>();
        _length = 0;
        if (buffer.Length > 0)
        {
            // The part that held the prompt is cleared: pooled arrays are handed to other requests.
            buffer.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        _buffer.AsSpan(0, _length).Clear();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
