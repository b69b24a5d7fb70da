namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// Where the Responses API (<c>POST /v1/responses</c>) keeps the responses it was asked to store (section
/// <c>Gateway:Responses</c>), so clients can refer back to them with <c>previous_response_id</c>, <c>item_reference</c>
/// items and <c>GET /v1/responses/{id}</c>. A request with <c>store: false</c> is never kept.
/// </summary>
public sealed class GatewayResponsesSettings
{
    /// <summary>The value of <see cref="Store"/> that keeps responses in the gateway's memory.</summary>
    public const string MemoryStore = "Memory";

    /// <summary>The value of <see cref="Store"/> that keeps responses in the usage ledger's database.</summary>
    public const string LedgerStore = "Ledger";

    /// <summary>
    /// Gets or sets where stored responses live: <c>Memory</c> (this process, bounded by <see cref="MaxStoredResponses"/>,
    /// gone on restart) or <c>Ledger</c> (the usage ledger's database: <c>LlmSettings:Usage:Store</c> <c>Sqlite</c> or
    /// <c>PostgreSql</c>, so several instances sharing a PostgreSQL ledger share stored responses too).
    /// <value>The default is <c>Memory</c>.</value>
    /// </summary>
    public string Store { get; set; } = MemoryStore;

    /// <summary>
    /// Gets or sets how long a stored response (and every item in it) can be referred to, in hours; after that it is a 404.
    /// <value>The default is 24 hours.</value>
    /// </summary>
    public int RetentionHours { get; set; } = 24;

    /// <summary>
    /// Gets or sets how many responses the <c>Memory</c> store keeps; past it the oldest is forgotten first.
    /// <value>The default is 1000.</value>
    /// </summary>
    public int MaxStoredResponses { get; set; } = 1000;
}
