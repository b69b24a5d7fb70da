using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// One client key (<c>Gateway:ApiKeys</c>). Give the key's SHA-256 as <see cref="KeySha256"/> (preferred: the key itself
/// is then never in the configuration) or the key as <see cref="Key"/> (for example <c>${GATEWAY_KEY}</c>), which is
/// hashed at startup. Clients send it as <c>Authorization: Bearer</c> or <c>x-api-key</c>.
/// </summary>
public sealed class GatewayApiKeyConfig
{
    /// <summary>Gets or sets a name for logs and metrics (never the key).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the key's SHA-256 as 64 hex characters (<c>printf %s KEY | sha256sum</c>).</summary>
    public string? KeySha256 { get; set; }

    /// <summary>Gets or sets the key itself (hashed at startup; prefer <see cref="KeySha256"/>).</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the models (routes, backend names or configured models) the key may use; empty allows all.</summary>
    public List<string> AllowedModels { get; set; } = new();

    /// <summary>Gets or sets the most requests per minute the key may make; <see langword="null"/> for no limit.</summary>
    public int? MaxRequestsPerMinute { get; set; }

    /// <summary>
    /// Gets or sets the most tokens (prompt and answer) per minute the key may use; <see langword="null"/> for no limit.
    /// A request's tokens are known when it ends, so the key may go over by what its requests in flight use.
    /// </summary>
    public int? MaxTokensPerMinute { get; set; }

    /// <summary>
    /// Gets or sets what the key may do: <c>Client</c> calls models; <c>Admin</c> also reads everyone's usage and spend
    /// (<c>/admin/…</c>). <value>The default is <see cref="GatewayKeyRole.Client"/>.</value>
    /// </summary>
    public GatewayKeyRole Role { get; set; } = GatewayKeyRole.Client;

    /// <summary>Gets or sets the most the key may spend, in US dollars, per <see cref="SpendResetPeriod"/>; over it, requests get 429 <c>insufficient_quota</c>.</summary>
    public decimal? MaxSpendUsd { get; set; }

    /// <summary>Gets or sets when <see cref="MaxSpendUsd"/> starts again. <value>The default is <see cref="SpendResetPeriod.Monthly"/>.</value></summary>
    public SpendResetPeriod SpendResetPeriod { get; set; } = SpendResetPeriod.Monthly;

    /// <summary>Gets or sets the day a weekly budget restarts. <value>The default is Monday.</value></summary>
    public DayOfWeek SpendResetDayOfWeek { get; set; } = DayOfWeek.Monday;

    /// <summary>Gets or sets the day of the month (1–31) a monthly budget restarts. <value>The default is 1.</value></summary>
    public int SpendResetDayOfMonth { get; set; } = 1;
}
