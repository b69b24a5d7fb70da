using System.Security.Cryptography;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// New request ids: <c>req_</c> and 128 random bits from the operating system's cryptographic generator, as 32 hex
/// digits — unguessable, so an id seen in one response says nothing about any other request. The random bytes are read
/// 4 KiB at a time per thread (one system call per 256 ids rather than one per request).
/// </summary>
internal static class RequestIds
{
    private const string Prefix = "req_";
    private const int IdBytes = 16;
    private const int BufferBytes = 4096;

    [ThreadStatic]
    private static byte[]? _random;

    [ThreadStatic]
    private static int _used;

    public static string Next()
    {
        var random = _random ??= new byte[BufferBytes];
        if (_used == 0 || _used + IdBytes > BufferBytes)
        {
            RandomNumberGenerator.Fill(random);
            _used = 0;
        }

        var id = string.Create(Prefix.Length + (IdBytes * 2), (random, _used), static (span, state) =>
        {
            Prefix.AsSpan().CopyTo(span);
            Convert.TryToHexStringLower(state.random.AsSpan(state._used, IdBytes), span[Prefix.Length..], out _);
        });

        // Each id's bytes are used once and forgotten.
        random.AsSpan(_used, IdBytes).Clear();
        _used += IdBytes;
        return id;
    }
}
