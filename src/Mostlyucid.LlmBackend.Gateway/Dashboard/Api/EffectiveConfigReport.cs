namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Api;

/// <summary>
/// The body of <c>GET /admin/api/config</c>: the configuration in use, made from an allow-list of settings that are not
/// secret — keys, key hashes, provider API keys, header values, connection strings and plugin configuration are never in
/// it (only whether they are set) — and where reloading stands.
/// </summary>
internal sealed class EffectiveConfigReport
{
    /// <summary>Gets or sets the gateway's keys (names, roles and limits only).</summary>
    public List<KeyView> Keys { get; set; } = new();

    /// <summary>Gets or sets the web origins allowed to call the gateway.</summary>
    public List<string> AllowedOrigins { get; set; } = new();

    /// <summary>Gets or sets the largest request body accepted.</summary>
    public long MaxRequestBodyBytes { get; set; }

    /// <summary>Gets or sets the backends.</summary>
    public List<BackendView> Backends { get; set; } = new();

    /// <summary>Gets or sets the routes.</summary>
    public List<RouteView> Routes { get; set; } = new();

    /// <summary>Gets or sets the default selection strategy.</summary>
    public string? SelectionStrategy { get; set; }

    /// <summary>Gets or sets the usage ledger's store (<c>Sqlite</c>, <c>PostgreSql</c>, <c>Memory</c>), or <c>off</c>.</summary>
    public string UsageStore { get; set; } = string.Empty;

    /// <summary>Gets or sets where reloading the configuration stands.</summary>
    public Admin.ConfigReport Reload { get; set; } = new();
}

/// <summary>A gateway key, without its key.</summary>
internal sealed class KeyView
{
    /// <summary>Gets or sets the key's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets its role.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>Gets or sets the models it may use (empty: all).</summary>
    public List<string> AllowedModels { get; set; } = new();

    /// <summary>Gets or sets its requests-per-minute limit.</summary>
    public int? MaxRequestsPerMinute { get; set; }

    /// <summary>Gets or sets its tokens-per-minute limit.</summary>
    public int? MaxTokensPerMinute { get; set; }

    /// <summary>Gets or sets its budget in US dollars.</summary>
    public decimal? MaxSpendUsd { get; set; }
}

/// <summary>A backend's settings that are not secret.</summary>
internal sealed class BackendView
{
    /// <summary>Gets or sets the backend's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets its type.</summary>
    public string? Type { get; set; }

    /// <summary>Gets or sets its base URL, without user information or query.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets its model.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets its embedding model.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Gets or sets whether it is enabled.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets its priority.</summary>
    public int Priority { get; set; }

    /// <summary>Gets or sets its weight (Weighted strategy).</summary>
    public int Weight { get; set; }

    /// <summary>Gets or sets whether an API key is set (never the key).</summary>
    public bool ApiKeySet { get; set; }

    /// <summary>Gets or sets the names of the extra headers it sends (never their values).</summary>
    public List<string> HeaderNames { get; set; } = new();

    /// <summary>Gets or sets its price per million input tokens.</summary>
    public decimal? CostPerMillionInputTokens { get; set; }

    /// <summary>Gets or sets its price per million output tokens.</summary>
    public decimal? CostPerMillionOutputTokens { get; set; }

    /// <summary>Gets or sets its budget in US dollars.</summary>
    public decimal? MaxSpendUsd { get; set; }

    /// <summary>Gets or sets its request time limit in seconds.</summary>
    public int? TimeoutSeconds { get; set; }
}

/// <summary>A route.</summary>
internal sealed class RouteView
{
    /// <summary>Gets or sets the route's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets its backends, in order.</summary>
    public List<string> Backends { get; set; } = new();

    /// <summary>Gets or sets its selection strategy, when it has its own.</summary>
    public string? SelectionStrategy { get; set; }

    /// <summary>Gets or sets its budget in US dollars.</summary>
    public decimal? MaxSpendUsd { get; set; }
}
