namespace Mostlyucid.LlmBackend.Models;

/// <summary>Usage totals for one group of a <see cref="UsageQuery"/>.</summary>
public sealed record UsageTotal
{
    /// <summary>Gets the group: a caller, route, backend or model name, or a day (<c>yyyy-MM-dd</c>); empty when not known.</summary>
    public required string Key { get; init; }

    /// <summary>Gets how many requests there were.</summary>
    public long Requests { get; init; }

    /// <summary>Gets how many of them failed or were cancelled.</summary>
    public long Failed { get; init; }

    /// <summary>Gets the prompt tokens billed.</summary>
    public long PromptTokens { get; init; }

    /// <summary>Gets the generated tokens billed.</summary>
    public long CompletionTokens { get; init; }

    /// <summary>Gets the known cost in US dollars (requests with an unknown price add nothing).</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets how many requests had no known price.</summary>
    public long UnpricedRequests { get; init; }

    /// <summary>Gets how many of the requests the response cache answered (at no cost).</summary>
    public long CacheHits { get; init; }
}
