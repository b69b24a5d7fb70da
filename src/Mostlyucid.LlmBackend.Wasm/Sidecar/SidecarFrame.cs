using System.Buffers.Binary;
using System.Text.Json;

namespace Mostlyucid.LlmBackend.Wasm.Sidecar;

/// <summary>
/// One frame: <c>u32 length | u32 id | u8 kind | u32 header length | header (UTF-8 JSON) | body</c>, little-endian.
/// </summary>
/// <param name="Id">The call it belongs to.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Header">The header's JSON.</param>
/// <param name="Body">The body.</param>
internal sealed record SidecarFrame(uint Id, SidecarFrameKind Kind, JsonElement Header, ReadOnlyMemory<byte> Body)
{
    private const int Prefix = 4 + 4 + 1 + 4;

    /// <summary>Encodes a frame.</summary>
    public static byte[] Encode(uint id, SidecarFrameKind kind, ReadOnlySpan<byte> headerJson, ReadOnlySpan<byte> body)
    {
        var frame = new byte[Prefix + headerJson.Length + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), id);
        frame[8] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(9), (uint)headerJson.Length);
        headerJson.CopyTo(frame.AsSpan(Prefix));
        body.CopyTo(frame.AsSpan(Prefix + headerJson.Length));
        return frame;
    }

    /// <summary>Reads the next frame, or <see langword="null"/> at the end of the stream.</summary>
    public static async Task<SidecarFrame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var lengthBytes = new byte[4];
        if (await stream.ReadAtLeastAsync(lengthBytes, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < 4)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (length is < 9 or > 512 * 1024 * 1024)
        {
            throw new InvalidDataException($"The sidecar sent a frame of {length} bytes, which is not a valid frame; the protocol is out of step.");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        var id = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var kind = (SidecarFrameKind)payload[4];
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(5));
        using var header = JsonDocument.Parse(payload.AsMemory(9, headerLength));
        return new SidecarFrame(id, kind, header.RootElement.Clone(), payload.AsMemory(9 + headerLength));
    }
}
