using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// A JSON writer whose output goes straight into a SHA-256 through one small reusable buffer, kept one per thread: a cache
/// key costs its canonical form's hashing and the key string, not a buffer as large as the request plus a writer and two
/// strings (that was ~1.4 KB of the gateway's ~20 KB a request with the response cache on).
/// </summary>
/// <remarks>
/// Take one with <see cref="Rent"/>, write the canonical form to <see cref="Json"/>, then <see cref="Complete"/> it (which
/// makes it available to the thread again). On an exception, <see cref="Dispose"/> it instead: a half-written hash is
/// never reused. Keys must not depend on how the bytes reached the hash, so a key is the same as when the canonical form
/// was written to one buffer and hashed at once.
/// </remarks>
internal sealed class CanonicalJsonHasher : IBufferWriter<byte>, IDisposable
{
    /// <summary>A buffer that grew past this (a very long prompt) is not kept for the next key.</summary>
    private const int KeptBufferBytes = 16 * 1024;
    private const int InitialBufferBytes = 2 * 1024;
    private const string HexDigits = "0123456789ABCDEF";

    [ThreadStatic]
    private static CanonicalJsonHasher? t_available;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[InitialBufferBytes];

    private CanonicalJsonHasher()
    {
        Json = new Utf8JsonWriter(this);
    }

    /// <summary>Gets the writer to write the canonical form to.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>Takes this thread's hasher, or a new one when it is in use or was never made.</summary>
    /// <returns>A hasher with nothing written.</returns>
    public static CanonicalJsonHasher Rent()
    {
        var hasher = t_available;
        if (hasher is null)
        {
            return new CanonicalJsonHasher();
        }

        t_available = null;
        hasher.Json.Reset(hasher);
        return hasher;
    }

    /// <summary>Finishes the canonical form and returns the key: <paramref name="prefix"/>, <paramref name="operation"/>, then the SHA-256 in upper-case hex.</summary>
    /// <param name="prefix">The cache's key prefix.</param>
    /// <param name="operation">The operation part, with its separator (<c>"chat:"</c>).</param>
    /// <returns>The key.</returns>
    public string Complete(string prefix, string operation)
    {
        Json.Flush();
        Span<byte> hash = stackalloc byte[32];
        _hash.TryGetHashAndReset(hash, out _);
        Span<char> hex = stackalloc char[64];
        for (var i = 0; i < hash.Length; i++)
        {
            hex[2 * i] = HexDigits[hash[i] >> 4];
            hex[(2 * i) + 1] = HexDigits[hash[i] & 0xF];
        }

        var key = string.Concat(prefix.AsSpan(), operation.AsSpan(), hex);
        if (_buffer.Length > KeptBufferBytes)
        {
            _buffer = new byte[InitialBufferBytes];
        }

        t_available = this;
        return key;
    }

    /// <inheritdoc />
    public void Advance(int count) => _hash.AppendData(_buffer, 0, count);

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer;
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Json.Dispose();
        _hash.Dispose();
    }

    // The writer hands every byte it wrote to Advance before it asks for memory again, so the whole buffer is free.
    private void EnsureCapacity(int sizeHint)
    {
        if (sizeHint > _buffer.Length)
        {
            _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
        }
    }
}
