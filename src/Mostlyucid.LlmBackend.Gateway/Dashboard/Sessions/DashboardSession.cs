namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;

/// <summary>A signed-in dashboard user: which admin key signed in (by its SHA-256, never the key) and when.</summary>
internal sealed class DashboardSession
{
    private long _lastSeenTicks;

    /// <summary>Initializes a new instance of the <see cref="DashboardSession"/> class.</summary>
    /// <param name="keyHash">The SHA-256 of the key that signed in.</param>
    /// <param name="keyName">The key's name.</param>
    /// <param name="created">When it signed in.</param>
    public DashboardSession(byte[] keyHash, string keyName, DateTimeOffset created)
    {
        KeyHash = keyHash;
        KeyName = keyName;
        Created = created;
        _lastSeenTicks = created.UtcTicks;
    }

    /// <summary>Gets the SHA-256 of the key that signed in: the session holds while that key is configured with the Admin role.</summary>
    public byte[] KeyHash { get; }

    /// <summary>Gets the key's name.</summary>
    public string KeyName { get; }

    /// <summary>Gets when it signed in.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>Gets or sets when it was last used.</summary>
    public DateTimeOffset LastSeen
    {
        get => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _lastSeenTicks, value.UtcTicks);
    }
}
