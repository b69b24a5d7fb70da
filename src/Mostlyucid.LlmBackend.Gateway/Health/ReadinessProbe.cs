using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>
/// Asks every backend whether it is reachable (its provider's free model list) at most once per
/// <c>Gateway:HealthProbeIntervalSeconds</c>, counted from when a probe starts: a probe asked for sooner gets the last
/// result and its age, and callers who ask while one runs wait for that one. The probe runs on the gateway's own time
/// limit, not a caller's, so a caller who hangs up cannot cancel it and start another.
/// </summary>
internal sealed class ReadinessProbe
{
    private static readonly TimeSpan ProbeTimeLimit = TimeSpan.FromSeconds(30);

    private readonly ILlmService _llm;
    private readonly TimeProvider _time;
    private readonly GatewayConfiguration _configuration;
    private readonly object _gate = new();
    private Task<IReadOnlyDictionary<string, bool>>? _probe;
    private DateTimeOffset _startedAt;
    private DateTimeOffset _finishedAt;

    public ReadinessProbe(ILlmService llm, TimeProvider time, GatewayConfiguration configuration)
    {
        _llm = llm;
        _time = time;
        _configuration = configuration;
    }

    /// <summary>Gets each backend's reachability, probing only when the last probe started longer ago than the interval.</summary>
    /// <returns>The results and how old they are.</returns>
    public async Task<(IReadOnlyDictionary<string, bool> Reachable, TimeSpan Age)> ProbeAsync(CancellationToken cancellationToken)
    {
        Task<IReadOnlyDictionary<string, bool>> probe;
        lock (_gate)
        {
            if (_probe is null || (_probe.IsCompleted && _time.GetUtcNow() - _startedAt >= TimeSpan.FromSeconds(_configuration.Current.Settings.HealthProbeIntervalSeconds)))
            {
                _startedAt = _time.GetUtcNow();
                _probe = RunAsync();
            }

            probe = _probe;
        }

        var reachable = await probe.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return (reachable, _time.GetUtcNow() - _finishedAt);
        }
    }

    private async Task<IReadOnlyDictionary<string, bool>> RunAsync()
    {
        using var limit = new CancellationTokenSource(ProbeTimeLimit, _time);
        IReadOnlyDictionary<string, bool> reachable;
        try
        {
            reachable = await _llm.CheckAvailabilityAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The providers did not all answer within the limit: reachability stays unknown until the next probe.
            reachable = new Dictionary<string, bool>();
        }

        lock (_gate)
        {
            _finishedAt = _time.GetUtcNow();
        }

        return reachable;
    }
}
