namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>One request in the <see cref="RequestJournal"/>: how the gateway answered it, and what the pipeline did for it.</summary>
internal sealed record JournalEntry
{
    /// <summary>Gets the gateway's request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>Gets when the request ended.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the endpoint's path (<c>/v1/chat/completions</c>); <see langword="null"/> for a call made outside the gateway's HTTP API.</summary>
    public string? Path { get; init; }

    /// <summary>Gets the HTTP status the gateway answered with (499 when the client went away first).</summary>
    public int Status { get; init; }

    /// <summary>Gets the gateway key's name.</summary>
    public string? Key { get; init; }

    /// <summary>Gets what was asked for: <c>chat</c>, <c>completion</c>, <c>embedding</c>; <see langword="null"/> when the request never reached the pipeline.</summary>
    public string? Operation { get; init; }

    /// <summary>Gets the model the request named.</summary>
    public string? RequestedModel { get; init; }

    /// <summary>Gets the route, when the requested model was one.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the backend that answered (or the last one tried).</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the model that answered.</summary>
    public string? Model { get; init; }

    /// <summary>Gets how the pipeline ended it: <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>, or <c>refused</c> when it never reached the pipeline (a budget, a bad request).</summary>
    public required string Outcome { get; init; }

    /// <summary>Gets the error's kind when it failed.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>Gets the prompt tokens billed.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Gets the generated tokens billed.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Gets the cost in US dollars, when priced.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets how long the request took, in milliseconds.</summary>
    public long DurationMs { get; init; }

    /// <summary>Gets the time to the first streamed update, in milliseconds (streams only).</summary>
    public long? TimeToFirstTokenMs { get; init; }

    /// <summary>Gets every attempt made, in order.</summary>
    public IReadOnlyList<JournalAttempt> Attempts { get; init; } = Array.Empty<JournalAttempt>();

    /// <summary>Gets whether another backend was tried after one failed.</summary>
    public bool FailedOver { get; init; }

    /// <summary>Gets whether a hedge was started.</summary>
    public bool Hedged { get; init; }

    /// <summary>Gets whether a broken stream was continued.</summary>
    public bool Continued { get; init; }

    /// <summary>Gets whether the response cache answered it (no backend was called, and it cost nothing).</summary>
    public bool CacheHit { get; init; }

    /// <summary>Gets whether the request ended in an error (an HTTP status of 400 or more, or a failed pipeline outcome).</summary>
    public bool IsError => Status >= 400 || Outcome == "failed";
}
