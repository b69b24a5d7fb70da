namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>What a key limit says about a request: allowed, over the limit (and for how long), or unknown (the shared store is unreachable).</summary>
/// <param name="Wait">When over the limit, how long until the window turns.</param>
/// <param name="StoreUnavailable">Whether the shared store could not be asked.</param>
internal readonly record struct LimitVerdict(TimeSpan? Wait, bool StoreUnavailable)
{
    /// <summary>Gets the verdict that lets a request through.</summary>
    public static LimitVerdict Allowed => default;

    /// <summary>Gets the verdict of an unreachable shared store.</summary>
    public static LimitVerdict Unavailable => new(null, true);

    /// <summary>The verdict of a key over its limit.</summary>
    public static LimitVerdict Over(TimeSpan wait) => new(wait, false);
}
