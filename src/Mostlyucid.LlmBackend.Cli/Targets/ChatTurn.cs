using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Cli.Targets;

/// <summary>How one question was answered: the text, who answered, what it took and what it cost — or why it failed.</summary>
internal sealed record ChatTurn
{
    public string Text { get; init; } = string.Empty;

    public string? Backend { get; init; }

    public string? Model { get; init; }

    public int Attempts { get; init; }

    public IReadOnlyList<BackendAttempt> AttemptDetails { get; init; } = Array.Empty<BackendAttempt>();

    public LlmUsage? Usage { get; init; }

    public decimal? CostUsd { get; init; }

    public string? FinishReason { get; init; }

    public string? Error { get; init; }

    public string? ErrorKind { get; init; }

    public bool Success => Error is null;
}

/// <summary>One backend as <c>llmb backends</c> shows it.</summary>
internal sealed record BackendRow(string Name, string Type, string Status, string Health, string Circuit, double? LatencyP50Ms, string? LastError);

/// <summary>One routable name as <c>llmb models</c> shows it.</summary>
internal sealed record ModelRow(string Name, string Kind, IReadOnlyList<string> Backends);
