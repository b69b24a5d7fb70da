using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// One backend's health, and the only thing that takes it out of rotation: closed → open when, over the sampling window,
/// at least the minimum number of attempts were made and the failure ratio was reached, or — when traffic is too sparse
/// for the window to fill — after <see cref="CircuitBreakerSettings.ConsecutiveFailures"/> failures in a row → half-open
/// after the break, letting exactly one probe through → closed when the probe succeeds, open again when it fails. The
/// router asks <see cref="TryEnter"/> before each attempt, so an outage is not hammered, and health, statistics and logs
/// report its <see cref="State"/>.
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

    // The sampling window as a ring of 100 ms slots, each counting its attempts and failures, with running totals: the
    // cost of an attempt and the memory do not grow with the request rate (keeping every outcome of the last 30 s was
    // hundreds of thousands of entries under load, and counting them on every attempt dominated the gateway's CPU).
    // An outcome leaves the window between SamplingWindowSeconds − 0.1 s and SamplingWindowSeconds after it happened.
    private const int SlotsPerSecond = 10;
    private readonly long[] _slotIds;
    private readonly int[] _slotAttempts;
    private readonly int[] _slotFailures;
    private long _expiredBefore;
    private int _windowAttempts;
    private int _windowFailures;
    private readonly Action<CircuitState, CircuitState>? _changed;
    private CircuitState _state;
    private DateTimeOffset _openedAt;
    private bool _probeInFlight;
    private bool _halfOpenUnannounced;
    private int _consecutiveFailures;

    /// <summary>Creates a breaker.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="settings">When it opens and for how long.</param>
    /// <param name="changed">
    /// Told of each change of state (old, new) — for the log and metrics; called outside the breaker's lock. Half-open is
    /// reached by time alone, so it is told when the breaker is next asked (an attempt, or its state).
    /// </param>
    public BackendCircuitBreaker(TimeProvider time, CircuitBreakerSettings settings, Action<CircuitState, CircuitState>? changed = null)
    {
        _time = time;
        _settings = settings;
        _changed = changed;
        var slots = Math.Max(1, settings.SamplingWindowSeconds * SlotsPerSecond);
        _slotIds = new long[slots];
        _slotAttempts = new int[slots];
        _slotFailures = new int[slots];
        Array.Fill(_slotIds, -1);
    }

    /// <summary>Gets the state, turning an open circuit half-open once its break is over.</summary>
    public CircuitState State
    {
        get
        {
            CircuitState state;
            bool halfOpened;
            lock (_gate)
            {
                state = Current();
                halfOpened = TakeHalfOpened();
            }

            AnnounceHalfOpen(halfOpened);
            return state;
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

        bool allowed;
        bool halfOpened;
        lock (_gate)
        {
            switch (Current())
            {
                case CircuitState.Closed:
                    allowed = true;
                    break;
                case CircuitState.HalfOpen when !_probeInFlight:
                    _probeInFlight = true;
                    allowed = true;
                    break;
                default:
                    allowed = false;
                    break;
            }

            halfOpened = TakeHalfOpened();
        }

        AnnounceHalfOpen(halfOpened);
        return allowed;
    }

    /// <summary>Records an attempt's outcome. Only failures that say something about the backend should be recorded as failures.</summary>
    public void Record(bool failed)
    {
        if (!_settings.Enabled)
        {
            return;
        }

        CircuitState before, after;
        bool halfOpened;
        lock (_gate)
        {
            before = Current();
            halfOpened = TakeHalfOpened();
            RecordLocked(before, failed);
            after = _state;
        }

        AnnounceHalfOpen(halfOpened);
        if (before != after)
        {
            _changed?.Invoke(before, after);
        }
    }

    private void RecordLocked(CircuitState state, bool failed)
    {
        _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
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

        var slot = CurrentSlot();
        Trim(slot);
        var i = (int)(slot % _slotIds.Length);
        if (_slotIds[i] != slot)
        {
            _slotIds[i] = slot;
            _slotAttempts[i] = 0;
            _slotFailures[i] = 0;
        }

        _slotAttempts[i]++;
        _windowAttempts++;
        if (failed)
        {
            _slotFailures[i]++;
            _windowFailures++;
        }

        var ratioReached = _windowAttempts >= _settings.MinimumThroughput && _windowFailures >= _settings.FailureRatio * _windowAttempts;

        // Failures in a row count only while the window is too sparse for the ratio: under load a flapping backend fails
        // several times in a row now and then, and the ratio, not a streak, is the fair judge of it.
        var streakReached = _windowAttempts < _settings.MinimumThroughput && _consecutiveFailures >= Math.Max(1, _settings.ConsecutiveFailures);
        if (ratioReached || streakReached)
        {
            Open();
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
            // Reached by time alone: announced by the next caller, outside the lock (the log reports only the probe's outcome).
            _state = CircuitState.HalfOpen;
            _probeInFlight = false;
            _halfOpenUnannounced = true;
        }

        return _state;
    }

    /// <summary>Takes the note that the circuit turned half-open since it was last announced (under the lock).</summary>
    private bool TakeHalfOpened()
    {
        var halfOpened = _halfOpenUnannounced;
        _halfOpenUnannounced = false;
        return halfOpened;
    }

    private void AnnounceHalfOpen(bool halfOpened)
    {
        if (halfOpened)
        {
            _changed?.Invoke(CircuitState.Open, CircuitState.HalfOpen);
        }
    }

    /// <summary>Gets how many attempts in a row have failed.</summary>
    public int ConsecutiveFailures
    {
        get
        {
            lock (_gate)
            {
                return _consecutiveFailures;
            }
        }
    }

    private void Open()
    {
        _consecutiveFailures = 0;
        _state = CircuitState.Open;
        _openedAt = _time.GetUtcNow();
        ClearWindow();
    }

    private void ClearWindow()
    {
        Array.Fill(_slotIds, -1);
        Array.Clear(_slotAttempts);
        Array.Clear(_slotFailures);
        _windowAttempts = 0;
        _windowFailures = 0;
    }

    private long CurrentSlot() => _time.GetTimestamp() / Math.Max(1, _time.TimestampFrequency / SlotsPerSecond);

    /// <summary>Takes the slots that fell out of the window out of the totals (each slot once, as time moves on).</summary>
    private void Trim(long slot)
    {
        var firstLive = slot - _slotIds.Length + 1;
        if (firstLive - _expiredBefore > _slotIds.Length)
        {
            // Quiet for longer than the window: everything in it has expired.
            ClearWindow();
            _expiredBefore = firstLive;
            return;
        }

        for (; _expiredBefore < firstLive; _expiredBefore++)
        {
            var i = (int)(((_expiredBefore % _slotIds.Length) + _slotIds.Length) % _slotIds.Length);
            if (_slotIds[i] == _expiredBefore)
            {
                _windowAttempts -= _slotAttempts[i];
                _windowFailures -= _slotFailures[i];
                _slotIds[i] = -1;
            }
        }
    }
}
