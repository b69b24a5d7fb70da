using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Pipeline;

/// <summary>
/// The outermost stage: each call runs on the configuration that was current when it began — its routes, backends,
/// limits and budgets — to its end, whatever a reload swaps in meanwhile (<see cref="BackendRegistry.Enter"/>). A stream
/// keeps its configuration from the call that opened it to the disposal of its enumerator. A caller that already entered
/// one (the gateway does, per HTTP request) passes straight through.
/// </summary>
internal sealed class ConfigurationSnapshotLlmService : DelegatingLlmService
{
    private readonly BackendRegistry _registry;

    public ConfigurationSnapshotLlmService(ILlmService inner, BackendRegistry registry)
        : base(inner)
    {
        _registry = registry;
    }

    public override Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        Run(request, static (inner, r, ct) => inner.CompleteAsync(r, ct), cancellationToken);

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        Run(request, static (inner, r, ct) => inner.ChatAsync(r, ct), cancellationToken);

    public override Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        Run(request, static (inner, r, ct) => inner.EmbedAsync(r, ct), cancellationToken);

    public override Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default) =>
        Run(backendName, static (inner, name, ct) => inner.ListModelsAsync(name, ct), cancellationToken);

    public override Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default) =>
        Run<object?, IReadOnlyList<BackendHealth>>(null, static (inner, _, ct) => inner.GetHealthAsync(ct), cancellationToken);

    public override Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default) =>
        Run<object?, IReadOnlyDictionary<string, bool>>(null, static (inner, _, ct) => inner.CheckAvailabilityAsync(ct), cancellationToken);

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        if (_registry.HasEntered)
        {
            return Inner.StreamChatAsync(request, cancellationToken);
        }

        return SnapshotStream.Open(_registry, Inner, request, cancellationToken);
    }

    private Task<TResult> Run<TArgument, TResult>(TArgument argument, Func<ILlmService, TArgument, CancellationToken, Task<TResult>> call, CancellationToken cancellationToken) =>
        _registry.HasEntered ? call(Inner, argument, cancellationToken) : RunEnteredAsync(argument, call, cancellationToken);

    private async Task<TResult> RunEnteredAsync<TArgument, TResult>(TArgument argument, Func<ILlmService, TArgument, CancellationToken, Task<TResult>> call, CancellationToken cancellationToken)
    {
        // An async method: the snapshot pinned here stays in this call's flow and never leaks into the caller's.
        using var scope = _registry.Enter();
        return await call(Inner, argument, cancellationToken).ConfigureAwait(false);
    }
}
