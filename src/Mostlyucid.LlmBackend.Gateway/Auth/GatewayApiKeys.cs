using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// The configured client keys, held only as SHA-256 hashes. A presented key is hashed and compared with every stored hash
/// in constant time (no early exit), so timing does not reveal which key or how much of one matched.
/// </summary>
internal sealed class GatewayApiKeys
{
    private readonly (byte[] Hash, GatewayCaller Caller, int? PerMinute)[] _keys;

    public GatewayApiKeys(GatewaySettings settings)
    {
        // A key whose hash cannot be read is reported by Validate; it is left out here, never half-used.
        _keys = settings.ApiKeys
            .Select(k => (Hash: Hash(k), Caller: new GatewayCaller(k.Name, k.AllowedModels.ToArray()) { IsAdmin = k.Role == GatewayKeyRole.Admin, MaxTokensPerMinute = k.MaxTokensPerMinute }, k.MaxRequestsPerMinute))
            .Where(k => k.Hash is not null)
            .Select(k => (k.Hash!, k.Caller, k.MaxRequestsPerMinute))
            .ToArray();
        Required = settings.ApiKeys.Count > 0;
    }

    /// <summary>Gets whether any key is configured (otherwise every caller is anonymous and the gateway is loopback-only).</summary>
    public bool Required { get; }

    /// <summary>Validates the keys' configuration; every problem names the key's position.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="skipKeyChecks">Keys whose value is already reported as unresolvable.</param>
    public static IEnumerable<string> Validate(GatewaySettings settings, IReadOnlySet<int> skipKeyChecks)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var key = settings.ApiKeys[i];
            var path = $"{GatewaySettings.SectionName}:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                yield return $"{path}:Name: every key needs a Name (used in logs instead of the key).";
            }
            else if (!names.Add(key.Name))
            {
                yield return $"{path}:Name: '{key.Name}' is used by another key; names must be unique.";
            }

            if (skipKeyChecks.Contains(i))
            {
                continue;
            }

            var hasHash = !string.IsNullOrWhiteSpace(key.KeySha256);
            var hasKey = !string.IsNullOrWhiteSpace(key.Key);
            if (hasHash == hasKey)
            {
                yield return $"{path}: give exactly one of KeySha256 (the key's SHA-256 in hex, preferred) or Key.";
            }
            else if (hasHash && (key.KeySha256!.Length != 64 || !key.KeySha256.All(Uri.IsHexDigit)))
            {
                yield return $"{path}:KeySha256: must be 64 hexadecimal characters (the SHA-256 of the key, for example from `printf %s KEY | sha256sum`).";
            }
            else if (hasKey && key.Key!.Length < 16)
            {
                yield return $"{path}:Key: a key must be at least 16 characters long.";
            }

            if (key.MaxRequestsPerMinute is <= 0)
            {
                yield return $"{path}:MaxRequestsPerMinute: must be greater than 0 (found {key.MaxRequestsPerMinute}).";
            }

            if (key.MaxTokensPerMinute is <= 0)
            {
                yield return $"{path}:MaxTokensPerMinute: must be greater than 0 (found {key.MaxTokensPerMinute}).";
            }

            if (key.MaxSpendUsd is <= 0)
            {
                yield return $"{path}:MaxSpendUsd: must be greater than 0 (found {key.MaxSpendUsd.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}); leave it out for no budget.";
            }

            if (key.SpendResetDayOfMonth is < 1 or > 31)
            {
                yield return $"{path}:SpendResetDayOfMonth: must be from 1 to 31 (found {key.SpendResetDayOfMonth}).";
            }
        }
    }

    /// <summary>Reads the key from <c>Authorization: Bearer</c> or <c>x-api-key</c> and finds its caller.</summary>
    /// <returns>The caller and its per-minute limit, or <see langword="null"/> when the key is missing or unknown.</returns>
    public (GatewayCaller Caller, int? PerMinute)? Authenticate(HttpRequest request)
    {
        if (!TryGetPresented(request, out var presented))
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HashPresented(presented, hash);
        (GatewayCaller, int?)? match = null;
        foreach (var (stored, caller, perMinute) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, hash))
            {
                match = (caller, perMinute);
            }
        }

        return match;
    }

    /// <summary>Gets a presented key's SHA-256, as keys are held and compared.</summary>
    /// <param name="presented">The key as presented.</param>
    /// <returns>The hash.</returns>
    public static byte[] HashOf(string presented)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        HashPresented(presented.AsSpan().Trim(), hash);
        return hash;
    }

    /// <summary>Finds the caller whose key has this SHA-256, comparing with every key in constant time (a dashboard session holds the hash, never the key).</summary>
    /// <param name="hash">The key's SHA-256.</param>
    /// <returns>The caller, or <see langword="null"/> when no configured key has the hash.</returns>
    public GatewayCaller? FindByHash(ReadOnlySpan<byte> hash)
    {
        GatewayCaller? match = null;
        foreach (var (stored, caller, _) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, hash))
            {
                match = caller;
            }
        }

        return match;
    }

    /// <summary>Gets whether the request carries a key at all (valid or not).</summary>
    public static bool HasCredentials(HttpRequest request) => TryGetPresented(request, out _);

    /// <summary>The key from <c>Authorization: Bearer</c>, else <c>x-api-key</c>, trimmed; read in place, never copied.</summary>
    private static bool TryGetPresented(HttpRequest request, out ReadOnlySpan<char> presented)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            presented = authorization.AsSpan(7).Trim();
            return true;
        }

        var apiKey = request.Headers["x-api-key"].ToString();
        presented = apiKey.AsSpan().Trim();
        return apiKey.Length > 0;
    }

    /// <summary>Hashes a presented key's UTF-8 on the stack (a pooled buffer for an unusually long one), wiping the copy after.</summary>
    private static void HashPresented(ReadOnlySpan<char> presented, Span<byte> hash)
    {
        const int StackBytes = 512;
        var length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        byte[]? rented = null;
        var utf8 = length <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(presented, utf8);
        SHA256.HashData(utf8[..written], hash);
        CryptographicOperations.ZeroMemory(utf8[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[]? Hash(GatewayApiKeyConfig key)
    {
        if (!string.IsNullOrWhiteSpace(key.KeySha256))
        {
            return key.KeySha256.Length == 64 && key.KeySha256.All(Uri.IsHexDigit) ? Convert.FromHexString(key.KeySha256) : null;
        }

        return string.IsNullOrEmpty(key.Key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key.Key));
    }
}
