using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.Health;

/// <summary>
/// Asks every backend whether it is reachable (its provider's free model list) at most once per
/// <c>Gateway:HealthProbeIntervalSeconds</c>: a probe asked for sooner gets the last result and its age, and probes
/// asked for at once share one run — so no caller can make the gateway call every provider on every request.
/// </summary>
internal sealed class ReadinessProbe : IDisposable
{
    private readonly ILlmService _llm;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _running = new(1, 1);
    private IReadOnlyDictionary<string, bool>? _last;
    private DateTimeOffset _lastAt;

    public ReadinessProbe(ILlmService llm, TimeProvider time, GatewaySettings settings)
    {
        _llm = llm;
        _time = time;
        _interval = TimeSpan.FromSeconds(settings.HealthProbeIntervalSeconds);
    }

    public void Dispose() => _running.Dispose();

    /// <summary>Gets each backend's reachability, probing only when the last probe is older than the interval.</summary>
    /// <returns>The results and how old they are.</returns>
    public async Task<(IReadOnlyDictionary<string, bool> Reachable, TimeSpan Age)> ProbeAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_last is { } last && now - _lastAt < _interval)
            {
                return (last, now - _lastAt);
            }

            _last = await _llm.CheckAvailabilityAsync(cancellationToken).ConfigureAwait(false);
            _lastAt = _time.GetUtcNow();
            return (_last, TimeSpan.Zero);
        }
        finally
        {
            _running.Release();
        }
    }
}
