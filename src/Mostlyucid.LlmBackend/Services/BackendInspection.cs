using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Services;

/// <summary>
/// What <see cref="ILlmService"/> tells about its backends rather than asks of them: their models, states, statistics,
/// health and reachability — every error and last-error text redacted.
/// </summary>
internal sealed class BackendInspection
{
    private readonly BackendRegistry _registry;
    private readonly RequestCounters _counters;
    private readonly SecretRedactor _redactor;

    public BackendInspection(BackendRegistry registry, RequestCounters counters, SecretRedactor redactor)
    {
        _registry = registry;
        _counters = counters;
        _redactor = redactor;
    }

    public async Task<ModelListResult> ListModelsAsync(string? backendName, CancellationToken cancellationToken)
    {
        var entries = _registry.ReadyEntries
            .Where(e => backendName is null || string.Equals(e.Name, backendName, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (backendName is not null && entries.Length == 0)
        {
            var known = _registry.Entries.FirstOrDefault(e => string.Equals(e.Name, backendName, StringComparison.OrdinalIgnoreCase));
            var message = known is null
                ? $"Backend '{backendName}' does not exist. Configured backends: {string.Join(", ", _registry.Entries.Select(e => e.Name))}."
                : $"Backend '{known.Name}' is not ready ({known.State.Status}).";
            return new ModelListResult { Errors = new[] { new LlmError { Kind = LlmErrorKind.NoBackendAvailable, Message = message, BackendName = backendName } } };
        }

        var lists = await Task.WhenAll(entries.Select(entry => ListAsync(entry, cancellationToken))).ConfigureAwait(false);
        return new ModelListResult
        {
            Models = lists.SelectMany(l => l.Models).ToArray(),
            Errors = lists.Where(l => l.Error is not null).Select(l => l.Error!).ToArray(),
        };
    }

    public IReadOnlyList<BackendInfo> GetBackends() => _registry.Entries.Select(e => e.ToInfo()).ToArray();

    public LlmServiceStatistics GetStatistics() =>
        _counters.Snapshot(_registry.Entries.Where(e => e.State.Status != BackendStatus.Disabled).Select(e => _redactor.Redact(e.Metrics.Snapshot(e.Name))).ToArray());

    public async Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken)
    {
        var ready = _registry.ReadyEntries;
        var health = new BackendHealth[ready.Count];
        for (var i = 0; i < ready.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            health[i] = _redactor.Redact(await ready[i].State.Backend!.GetHealthAsync().ConfigureAwait(false));
            // The circuit is the one health model: a plugin may report itself unhealthy, never healthy past an open circuit.
            var circuit = ready[i].Breaker.State;
            health[i].CircuitState = circuit.ToString();
            health[i].IsHealthy &= circuit != CircuitState.Open;
        }

        return health;
    }

    public async Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken)
    {
        var checks = _registry.ReadyEntries.Select(async entry =>
        {
            try
            {
                return (entry.Name, await entry.State.Backend!.IsAvailableAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (entry.Name, false);
            }
        });
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        return results.ToDictionary(r => r.Name, r => r.Item2, StringComparer.OrdinalIgnoreCase);
    }

    private async Task<(IReadOnlyList<LlmModelInfo> Models, LlmError? Error)> ListAsync(BackendEntry entry, CancellationToken cancellationToken)
    {
        if (entry.State.Backend is not IModelListingLlmBackend lister)
        {
            // A backend that cannot list still serves its configured model.
            var configured = entry.Config.ModelName is { } name ? new[] { new LlmModelInfo { Id = name, BackendName = entry.Name } } : Array.Empty<LlmModelInfo>();
            return (configured, null);
        }

        try
        {
            var models = await lister.ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return (models.Select(m => m.BackendName is null ? m with { BackendName = entry.Name } : m).ToArray(), null);
        }
        catch (LlmBackendException ex)
        {
            return (Array.Empty<LlmModelInfo>(), _redactor.Redact(ex.Error with { BackendName = entry.Name }));
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var error = BackendExceptionErrors.From(entry.Name, ex);
            return (Array.Empty<LlmModelInfo>(), _redactor.Redact(error with { Message = $"Listing its models failed. {error.Message}" }));
        }
    }
}
