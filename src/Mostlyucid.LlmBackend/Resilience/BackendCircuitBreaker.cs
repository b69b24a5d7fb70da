using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// One backend's circuit breaker: closed → open when, over the sampling window, at least the minimum number of attempts
/// were made and the failure ratio was reached → half-open after the break, letting exactly one probe through → closed
/// when the probe succeeds, open again when it fails. The router asks <see cref="TryEnter"/> before each attempt, so an
/// outage is not hammered.
/// </summary>
/// <remarks>
/// Written here rather than taken from Polly because it must also count failures that happen after a stream has started —
/// outside any execution a Polly pipeline could observe — and because the router must read its state before choosing.
/// </remarks>
internal sealed class BackendCircuitBreaker
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly CircuitBreakerSettings _settings;
    private readonly Queue<(long Timestamp, bool Failed)> _window = new();

    // Failures in _window, kept as entries come and go: counting the window on every attempt made each one cost as much
    // as the attempts of the last SamplingWindowSeconds (hundreds of thousands under load).
    private int _windowFailures;
    private CircuitState _state;
    private DateTimeOffset _openedAt;
    private bool _probeInFlight;

    public BackendCircuitBreaker(TimeProvider time, CircuitBreakerSettings settings)
    {
        _time = time;
        _settings = settings;
    }

    /// <summary>Gets the state, turning an open circuit half-open once its break is over.</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return Current();
            }
        }
    }

    /// <summary>Gets how long until an open circuit lets a probe through (zero when it would now).</summary>
    public TimeSpan UntilProbe
    {
        get
        {
            lock (_gate)
            {
                return Current() == CircuitState.Open ? (_openedAt + TimeSpan.FromSeconds(_settings.BreakSeconds)) - _time.GetUtcNow() : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Asks to make an attempt: always yes when closed, once (the probe) when half-open, never when open.</summary>
    /// <returns>Whether the attempt may go ahead.</returns>
    public bool TryEnter()
    {
        if (!_settings.Enabled)
        {
            return true;
        }

        lock (_gate)
        {
            switch (Current())
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.HalfOpen when !_probeInFlight:
                    _probeInFlight = true;
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Records an attempt's outcome. Only failures that say something about the backend should be recorded as failures.</summary>
    public void Record(bool failed)
    {
        if (!_settings.Enabled)
        {
            return;
        }

        lock (_gate)
        {
            var state = Current();
            if (state == CircuitState.HalfOpen)
            {
                _probeInFlight = false;
                if (failed)
                {
                    Open();
                }
                else
                {
                    _state = CircuitState.Closed;
                    ClearWindow();
                }

                return;
            }

            if (state == CircuitState.Open)
            {
                return;
            }

            var now = _time.GetTimestamp();
            _window.Enqueue((now, failed));
            _windowFailures += failed ? 1 : 0;
            Trim(now);
            if (_window.Count >= _settings.MinimumThroughput && _windowFailures >= _settings.FailureRatio * _window.Count)
            {
                Open();
            }
        }
    }

    /// <summary>Releases a probe that ended without an outcome worth recording (for example the caller cancelled).</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _probeInFlight = false;
        }
    }

    private CircuitState Current()
    {
        if (_state == CircuitState.Open && _time.GetUtcNow() - _openedAt >= TimeSpan.FromSeconds(_settings.BreakSeconds))
        {
            _state = CircuitState.HalfOpen;
            _probeInFlight = false;
        }

        return _state;
    }

    private void Open()
    {
        _state = CircuitState.Open;
        _openedAt = _time.GetUtcNow();
        ClearWindow();
    }

    private void ClearWindow()
    {
        _window.Clear();
        _windowFailures = 0;
    }

    private void Trim(long now)
    {
        var window = TimeSpan.FromSeconds(_settings.SamplingWindowSeconds);
        while (_window.Count > 0 && _time.GetElapsedTime(_window.Peek().Timestamp, now) > window)
        {
            _windowFailures -= _window.Dequeue().Failed ? 1 : 0;
        }
    }
}
