namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// The Redis server several instances share (<c>LlmSettings:Redis</c>; package <c>Mostlyucid.LlmBackend.Redis</c>): the
/// response cache when <c>Caching:Provider</c> is <c>Redis</c>, the gateway's per-key request and token limits, and the
/// budgets' spend counters (in front of the usage ledger). See docs/caching.md and docs/spend.md.
/// </summary>
public sealed class RedisSettings
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string, for example
    /// <c>127.0.0.1:6379,password=${LLMB_REDIS_PASSWORD}</c>. It is a secret: it never appears in logs, errors or reports.
    /// Empty: no Redis, everything stays in this process.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets what the gateway's key limits do while Redis is unreachable: <see cref="SharedLimitFailure.Allow"/>
    /// (requests go on, counted by this instance alone) or <see cref="SharedLimitFailure.Refuse"/> (limited keys are
    /// refused with 503). The cache always fails open. <value>The default is <see cref="SharedLimitFailure.Allow"/>.</value>
    /// </summary>
    public SharedLimitFailure LimitsWhenUnavailable { get; set; } = SharedLimitFailure.Allow;

    /// <summary>
    /// Gets or sets what the shared counters' keys start with — <c>limit:</c> and <c>spend:</c> follow it, and budget totals
    /// are published on the channel <c>&lt;prefix&gt;spend</c> (the cache's keys start with <c>Caching:KeyPrefix</c>).
    /// <value>The default is <c>llmb:</c>.</value>
    /// </summary>
    public string KeyPrefix { get; set; } = "llmb:";

    /// <summary>
    /// Gets or sets how long one Redis command may take, in milliseconds, before it counts as unreachable. <value>The
    /// default is 500.</value>
    /// </summary>
    public int TimeoutMs { get; set; } = 500;
}
