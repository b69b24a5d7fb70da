using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;

/// <summary>
/// The dashboard's signed-in sessions, in this instance's memory. A session id is 256 random bits; only its SHA-256 is
/// kept, so a copy of this memory gives no usable id. A session ends at its idle or absolute expiry, at logout, and as
/// soon as the key that signed in is no longer configured with the <c>Admin</c> role (checked on every use against the
/// configuration in use, so a reload that removes the key or its role ends its sessions).
/// </summary>
internal sealed class DashboardSessions
{
    private const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _idle;
    private readonly TimeSpan _lifetime;

    /// <summary>Initializes a new instance of the <see cref="DashboardSessions"/> class.</summary>
    /// <param name="settings">The dashboard's settings (lifetimes).</param>
    /// <param name="time">The clock.</param>
    public DashboardSessions(GatewayDashboardSettings settings, TimeProvider time)
    {
        _time = time;
        _idle = TimeSpan.FromMinutes(settings.SessionIdleMinutes);
        _lifetime = TimeSpan.FromHours(settings.SessionLifetimeHours);
    }

    /// <summary>Gets how long a session lasts at most.</summary>
    public TimeSpan Lifetime => _lifetime;

    /// <summary>Gets how many sessions are held.</summary>
    public int Count => _sessions.Count;

    /// <summary>Starts a session for an admin key.</summary>
    /// <param name="keyHash">The key's SHA-256.</param>
    /// <param name="keyName">The key's name.</param>
    /// <returns>The session id, for the cookie (not kept here).</returns>
    public string Create(byte[] keyHash, string keyName)
    {
        if (_sessions.Count >= MaxSessions)
        {
            RemoveExpired();
        }

        var id = Base64Url(RandomNumberGenerator.GetBytes(32));
        _sessions[HashOf(id)] = new DashboardSession(keyHash, keyName, _time.GetUtcNow());
        return id;
    }

    /// <summary>Finds the admin caller of a session id, and marks the session used; ends a session that expired or whose key lost its role.</summary>
    /// <param name="sessionId">The id from the cookie.</param>
    /// <param name="keys">The keys configured now.</param>
    /// <returns>The caller, or <see langword="null"/> when there is no valid session.</returns>
    public GatewayCaller? Resolve(string? sessionId, GatewayApiKeys keys)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > 100)
        {
            return null;
        }

        var hash = HashOf(sessionId);
        if (!_sessions.TryGetValue(hash, out var session))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - session.Created >= _lifetime || now - session.LastSeen >= _idle || keys.FindByHash(session.KeyHash) is not { IsAdmin: true } caller)
        {
            _sessions.TryRemove(hash, out _);
            return null;
        }

        session.LastSeen = now;
        return caller;
    }

    /// <summary>Ends a session.</summary>
    /// <param name="sessionId">The id from the cookie.</param>
    public void End(string? sessionId)
    {
        if (!string.IsNullOrEmpty(sessionId) && sessionId.Length <= 100)
        {
            _sessions.TryRemove(HashOf(sessionId), out _);
        }
    }

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (hash, session) in _sessions)
        {
            if (now - session.Created >= _lifetime || now - session.LastSeen >= _idle)
            {
                _sessions.TryRemove(hash, out _);
            }
        }

        // Still full of live sessions: the oldest make way (a flood of logins cannot grow memory without bound).
        foreach (var (hash, _) in _sessions.OrderBy(s => s.Value.LastSeen).Take(Math.Max(0, _sessions.Count - (MaxSessions * 9 / 10))))
        {
            _sessions.TryRemove(hash, out _);
        }
    }

    private static string HashOf(string sessionId) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
