namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>What shared key limits do while the shared store is unreachable (<c>LlmSettings:Redis:LimitsWhenUnavailable</c>).</summary>
public enum SharedLimitFailure
{
    /// <summary>Fail open: count in this instance alone until the store is back (each instance then allows the whole limit).</summary>
    Allow = 0,

    /// <summary>Fail closed: a key with a limit is refused (503, <c>Retry-After</c>) until the store is back.</summary>
    Refuse,
}
