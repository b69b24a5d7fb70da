using System.Security.Cryptography;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// New request ids: <c>req_</c>, then 16 hex digits drawn at random once per process, then a 16-hex-digit counter — the
/// shape of a GUID without a read of <c>/dev/urandom</c> on every request (<see cref="Guid.NewGuid"/> makes one on Linux).
/// Unique within the process, and across processes with overwhelming probability; not secret, like any request id.
/// </summary>
internal static class RequestIds
{
    private static readonly string Prefix = "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private static long _next = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;

    public static string Next()
    {
        var value = (ulong)Interlocked.Increment(ref _next);
        return string.Create(Prefix.Length + 16, value, static (span, counter) =>
        {
            Prefix.AsSpan().CopyTo(span);
            counter.TryFormat(span[Prefix.Length..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });
    }
}
