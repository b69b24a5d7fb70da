namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// The request body, read through a limit: past <c>Gateway:MaxRequestBodyBytes</c> a read throws
/// <see cref="RequestBodyTooLargeException"/> (the endpoint answers 413) and <see cref="Exceeded"/> tells the gate to
/// drain what the client is still sending, so the client reads the 413 instead of a broken connection.
/// </summary>
internal sealed class BoundedRequestStream : Stream
{
    private readonly long _limit;
    private long _read;

    public BoundedRequestStream(Stream inner, long limit)
    {
        Inner = inner;
        _limit = limit;
    }

    /// <summary>Gets the unlimited body underneath.</summary>
    public Stream Inner { get; }

    /// <summary>Gets whether a read went past the limit.</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The request body's length is not known in advance.");

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException("The request body cannot seek.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(Inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The request body cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("The request body is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The request body is read-only.");

    private int Count(int read)
    {
        _read += read;
        if (_read > _limit)
        {
            Exceeded = true;
            throw new RequestBodyTooLargeException(_limit);
        }

        return read;
    }
}
