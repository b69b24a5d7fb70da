using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// One request in the usage ledger: who asked, what for, which backend and model answered, what it used and cost, how long
/// it took and how it ended. Tokens and cost include what failed attempts were billed (a stream cut after output).
/// </summary>
public sealed record UsageRecord
{
    /// <summary>Gets when the request ended (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the request id, when the caller set one (<see cref="LlmCallContext"/>).</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the caller's name (a gateway key's name), when known.</summary>
    public string? CallerName { get; init; }

    /// <summary>Gets what was asked for: <c>chat</c>, <c>completion</c>, <c>embedding</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the model the request named (a route, a backend's name or a model), if any.</summary>
    public string? RequestedModel { get; init; }

    /// <summary>Gets the route, when the requested model was one.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the backend that answered (or the last one tried).</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the model that answered.</summary>
    public string? Model { get; init; }

    /// <summary>Gets how many attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the prompt tokens billed (cached ones included).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Gets the prompt tokens read from the provider's cache.</summary>
    public int CachedPromptTokens { get; init; }

    /// <summary>Gets the generated tokens billed.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Gets the cost in US dollars; <see langword="null"/> when a price was not known.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets whether some tokens were estimated (a cut stream reports no usage: its text is counted, four characters a token).</summary>
    public bool TokensEstimated { get; init; }

    /// <summary>Gets how long the request took, in milliseconds.</summary>
    public long DurationMs { get; init; }

    /// <summary>Gets the time to the first streamed update, in milliseconds (streams only).</summary>
    public long? TimeToFirstTokenMs { get; init; }

    /// <summary>Gets how the request ended.</summary>
    public UsageOutcome Outcome { get; init; }

    /// <summary>Gets the error's kind when it failed.</summary>
    public LlmErrorKind? ErrorKind { get; init; }

    /// <summary>Gets whether the response cache answered it: no backend was called, and it cost nothing.</summary>
    public bool CacheHit { get; init; }
}
