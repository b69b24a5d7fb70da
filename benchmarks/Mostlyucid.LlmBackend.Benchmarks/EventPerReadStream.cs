namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// A server-sent-events body read one event per read, as a client receives a stream whose events are written as they are
/// produced: each read returns up to and including the next blank line, and never more than the caller's buffer.
/// </summary>
internal sealed class EventPerReadStream : Stream
{
    private readonly byte[] _body;
    private int _position;

    public EventPerReadStream(byte[] body) => _body = body;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var rest = _body.AsSpan(_position);
        var end = rest.IndexOf("\n\n"u8);
        var length = Math.Min(buffer.Length, end < 0 ? rest.Length : end + 2);
        rest[..length].CopyTo(buffer);
        _position += length;
        return length;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
