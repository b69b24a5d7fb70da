using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Cli.Targets;

/// <summary>What the commands talk to: the library on a configuration file, or a running gateway.</summary>
internal interface ILlmbTarget : IAsyncDisposable
{
    /// <summary>Gets a short description for headers ("config appsettings.json", "gateway http://…").</summary>
    string Description { get; }

    /// <summary>Streams an answer: each text delta goes to <paramref name="onText"/>; the result says who answered and what it cost.</summary>
    Task<ChatTurn> ChatAsync(IReadOnlyList<ChatMessage> messages, string? model, Action<string> onText, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelRow>> ModelsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<BackendRow>> BackendsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<UsageTotal>> UsageAsync(UsageGrouping groupBy, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
