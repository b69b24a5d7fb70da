using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// One entry of <c>LlmSettings:Backends</c>: which provider to call, where, with which key and model, and how the router
/// should rank it. String values may reference environment variables as <c>${NAME}</c> (or <c>${NAME:-default}</c>).
/// </summary>
public class LlmBackendConfig
{
    /// <summary>Gets or sets the backend's unique name, used in logs, statistics and <c>PreferredBackend</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the provider type: a built-in one (see <see cref="LlmBackendTypes"/>, for example <c>OpenAI</c>) or a
    /// type a plugin supports.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>
    /// Gets or sets a plugin's backend type (one of its <c>SupportedBackendTypes</c>). When set it decides which plugin
    /// creates the backend; <see cref="Type"/> then only documents the wire family.
    /// </summary>
    public string? CustomBackendType { get; set; }

    /// <summary>
    /// Gets or sets a preset for an OpenAI-compatible service (<c>Mistral</c>, <c>Groq</c>, <c>DeepSeek</c>, <c>XAI</c>,
    /// <c>OpenRouter</c>, <c>Together</c>, <c>LMStudio</c>, <c>VLLM</c>, <c>LlamaCpp</c>): its address and API differences.
    /// Implies <c>Type</c> <c>OpenAICompatible</c> when no type is given.
    /// </summary>
    public string? Preset { get; set; }

    /// <summary>Gets or sets the provider's base URL. Built-in types with a well-known endpoint have a default.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the API key. Prefer <c>${ENV_VAR}</c> over a literal; it never appears in logs.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the provider model to request (for example <c>gpt-4o-mini</c>).</summary>
    public string? ModelName { get; set; }

    /// <summary>Gets or sets the model used for embeddings (<c>ILlmService.EmbedAsync</c>); backends without one (and requests naming none) are not used for embeddings.</summary>
    public string? EmbeddingModelName { get; set; }

    /// <summary>Gets or sets the API version for providers that version by parameter or header (Azure OpenAI's <c>api-version</c>, Anthropic's <c>anthropic-version</c>).</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Gets or sets the rank for the Failover strategy: lower is tried first. <value>The default value is 100.</value></summary>
    public int Priority { get; set; } = 100;

    /// <summary>Gets or sets a value indicating whether the backend may be used. <value>The default value is <see langword="true"/>.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the name of an environment variable that must be set (non-empty) for this backend to be used; when it
    /// is not, the backend counts as disabled instead of being a configuration error. For configurations that list every
    /// provider a machine might have a key for (<c>"EnabledIfSet": "OPENAI_API_KEY"</c>).
    /// </summary>
    public string? EnabledIfSet { get; set; }

    /// <summary>Gets or sets settings only one provider type understands (the <c>Mock</c> provider's latency and faults, for example); values may use <c>${ENV_VAR}</c>.</summary>
    public Dictionary<string, string> ProviderOptions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the share of traffic for the Weighted strategy. <value>The default value is 1.</value></summary>
    public int Weight { get; set; } = 1;

    /// <summary>Gets or sets the default sampling temperature for requests that do not set one.</summary>
    public double? Temperature { get; set; }

    /// <summary>Gets or sets the default maximum output tokens for requests that do not set one.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the model's context window in tokens, when known.</summary>
    public int? MaxInputTokens { get; set; }

    /// <summary>
    /// Gets or sets how long one attempt on this backend may take, in seconds; overrides
    /// <see cref="LlmSettings.TimeoutSeconds"/>.
    /// </summary>
    public int? TimeoutSeconds { get; set; }

    /// <summary>Gets or sets how many times a failed attempt is retried on this backend; overrides <see cref="ResilienceSettings.MaxRetries"/>.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>Gets or sets this backend's first-token limit for streams, in seconds; overrides <see cref="ResilienceSettings.FirstTokenTimeoutSeconds"/>.</summary>
    public int? FirstTokenTimeoutSeconds { get; set; }

    /// <summary>
    /// Gets or sets whether a stream this backend is slow to start is hedged on the next backend; overrides the route's
    /// <see cref="RouteConfig.HedgeFirstToken"/> and <see cref="FirstTokenHedgingSettings.Enabled"/>.
    /// </summary>
    public bool? HedgeFirstToken { get; set; }

    /// <summary>Gets or sets this backend's stall limit for streams, in seconds; overrides <see cref="ResilienceSettings.IdleTimeoutSeconds"/>.</summary>
    public int? IdleTimeoutSeconds { get; set; }

    /// <summary>Gets or sets this backend's connect timeout, in seconds; overrides <see cref="ResilienceSettings.ConnectTimeoutSeconds"/>.</summary>
    public int? ConnectTimeoutSeconds { get; set; }

    /// <summary>
    /// Gets or sets whether this backend can continue a partial answer given as a trailing assistant message (used to
    /// continue a stream another backend broke); <see langword="null"/> uses the provider's own capability.
    /// </summary>
    public bool? SupportsAssistantPrefill { get; set; }

    /// <summary>Gets or sets extra HTTP headers sent with every request (values may use <c>${ENV_VAR}</c>).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets, for a WebAssembly (<c>Wasm</c>) or native (<c>Native</c>) plugin backend, the plugin file: a
    /// <c>.wasm</c> module or a shared library.
    /// </summary>
    public string? PluginPath { get; set; }

    /// <summary>
    /// Gets or sets, for a Wasm or native plugin backend, the plugin's own configuration (checked against the JSON Schema
    /// the plugin publishes; string values are converted to the types the schema asks for; values may use <c>${ENV_VAR}</c>).
    /// The plugin sees this, its <see cref="ApiKey"/> and nothing else of the host.
    /// </summary>
    public JsonObject? PluginConfig { get; set; }

    /// <summary>
    /// Gets or sets, for a Wasm or native plugin backend, the hosts its requests may go to besides the host of its base URL;
    /// a request to any other host is refused.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = new();

    /// <summary>
    /// Gets or sets this backend's price of a million prompt tokens in US dollars, instead of the model catalog's (for a
    /// model the catalog lacks, or a negotiated price).
    /// </summary>
    public decimal? CostPerMillionInputTokens { get; set; }

    /// <summary>Gets or sets this backend's price of a million generated tokens in US dollars, instead of the catalog's.</summary>
    public decimal? CostPerMillionOutputTokens { get; set; }

    /// <summary>Gets or sets this backend's price of a million cached prompt tokens; <see cref="CostPerMillionInputTokens"/> when not set.</summary>
    public decimal? CostPerMillionCachedInputTokens { get; set; }

    /// <summary>
    /// Gets or sets the most this backend may spend, in US dollars, per <see cref="SpendResetPeriod"/>. Once reached it is
    /// taken out of rotation (failover goes on to the others) until the period turns.
    /// </summary>
    public decimal? MaxSpendUsd { get; set; }

    /// <summary>Gets or sets when <see cref="MaxSpendUsd"/> starts again. <value>The default is <see cref="SpendResetPeriod.Monthly"/>.</value></summary>
    public SpendResetPeriod SpendResetPeriod { get; set; } = SpendResetPeriod.Monthly;

    /// <summary>Gets or sets the day a weekly budget restarts (00:00 UTC). <value>The default is Monday.</value></summary>
    public DayOfWeek SpendResetDayOfWeek { get; set; } = DayOfWeek.Monday;

    /// <summary>Gets or sets the day of the month (1–31) a monthly budget restarts (00:00 UTC; the last day in shorter months). <value>The default is 1.</value></summary>
    public int SpendResetDayOfMonth { get; set; } = 1;

    /// <summary>Gets or sets whether reaching <see cref="MaxSpendUsd"/> is logged (a warning, once per period). <value>The default is <see langword="true"/>.</value></summary>
    public bool LogBudgetExceeded { get; set; } = true;

    /// <summary>Gets the type that decides which plugin creates this backend: <see cref="CustomBackendType"/>, else <see cref="Type"/>.</summary>
    public string EffectiveBackendType =>
        !string.IsNullOrWhiteSpace(CustomBackendType) ? CustomBackendType.Trim()
        : !string.IsNullOrWhiteSpace(Type) ? Type.Trim()
        : !string.IsNullOrWhiteSpace(Preset) ? LlmBackendTypes.OpenAICompatible
        : string.Empty;

    /// <summary>
    /// Gets or sets where this backend was declared when that is not <c>LlmSettings:Backends:N</c> (a providers file entry),
    /// for messages.
    /// </summary>
    internal string? DeclaredAt { get; set; }

    /// <summary>Describes the backend without its secrets.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"{Name} (type {EffectiveBackendType}, model {ModelName ?? "default"}, url {BaseUrl ?? "default"}, key {(string.IsNullOrEmpty(ApiKey) ? "none" : "set")})";
}
