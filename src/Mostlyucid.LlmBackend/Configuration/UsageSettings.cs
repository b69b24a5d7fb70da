namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// The usage ledger (<c>LlmSettings:Usage</c>): one record per request, written off the request path in batches to a
/// store, which also keeps the budgets' spend.
/// </summary>
public sealed class UsageSettings
{
    /// <summary>The in-process store's name.</summary>
    public const string MemoryStore = "Memory";

    /// <summary>Gets or sets whether requests are recorded (and budgets enforced). <value>The default is <see langword="true"/>.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the store: <c>Memory</c> (this process only), <c>Sqlite</c> (a file; package
    /// <c>Mostlyucid.LlmBackend.Sqlite</c>) or <c>PostgreSql</c> (shared by several instances; package
    /// <c>Mostlyucid.LlmBackend.PostgreSql</c>). <value>The default is <c>Memory</c>; the gateway's is <c>Sqlite</c>.</value>
    /// </summary>
    public string Store { get; set; } = MemoryStore;

    /// <summary>
    /// Gets or sets where the store is: for <c>Sqlite</c> a file path (relative to the content root) or a full
    /// <c>Data Source=…</c> connection string; for <c>PostgreSql</c> a connection string (use <c>${ENV_VAR}</c> for the password).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how many records may wait to be written; beyond it records are dropped and counted. <value>The default is 10000.</value></summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Gets or sets the most records written in one batch. <value>The default is 500.</value></summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Gets or sets how long a record may wait for its batch, in milliseconds. <value>The default is 250.</value></summary>
    public int FlushIntervalMs { get; set; } = 250;

    /// <summary>Gets or sets how many days records are kept (budget spend is kept regardless); 0 keeps them for ever. <value>The default is 90.</value></summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>
    /// Gets or sets how often budgets re-read what every instance has spent, in seconds: the longest another instance's
    /// spending goes unseen. <value>The default is 2.</value>
    /// </summary>
    public int SpendRefreshSeconds { get; set; } = 2;
}
