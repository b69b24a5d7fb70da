using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// Budget spend counters every instance shares (<see cref="ISharedState"/>: Redis), in front of the usage ledger, kept in
/// step with the <see cref="BudgetBook"/>:
/// <list type="bullet">
/// <item>what this instance records is added to the counters off the request path — one loop; what arrives while a call
/// is out goes in the next one — and each answer, the period's total over every instance, goes into the book;</item>
/// <item>other instances' additions arrive as they happen (each new total is published), so checking a budget stays a
/// dictionary read and still sees every instance's spend within a Redis round trip;</item>
/// <item>every budget's counter is read again with the ledger's refresh (<c>Usage:SpendRefreshSeconds</c>: the push
/// carries the news, the refresh only repairs a missed message), and at once when Redis is back after an outage.</item>
/// </list>
/// Every call carries a floor — the larger of the store's total and the latest shared total known here — so a counter
/// Redis lost (restarted, flushed, evicted) starts again from the store, never from 0. While Redis is unreachable, the
/// book counts from the ledger and this instance's own spend on top of the last shared total; that spend reaches the
/// counter through the store once Redis is back.
/// </summary>
internal sealed class SharedBudgetCounters : IAsyncDisposable, IDisposable
{
    /// <summary>How often Redis's reachability is looked at (a field read), to read every counter again when it is back.</summary>
    private static readonly TimeSpan AvailabilityCheck = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a period's counter outlives the period (a request that began before the reset still adds to it).</summary>
    private static readonly TimeSpan KeptAfterPeriod = TimeSpan.FromDays(1);

    /// <summary>How long a budget that never resets keeps its counter untouched (each refresh renews it; the store re-seeds it if it goes).</summary>
    private static readonly TimeSpan NeverPeriodKept = TimeSpan.FromDays(30);

    private readonly ISharedState _state;
    private readonly BudgetBook _budgets;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<SpendPeriod, decimal> _toSend = new();
    private Dictionary<SpendPeriod, decimal> _spare = new();
    private Task? _loop;
    private ITimer? _availability;
    private IDisposable? _watch;
    private int _watching;
    private int _refreshing;
    private int _refreshesOwed;
    private int _disposed;

    public SharedBudgetCounters(ISharedState state, BudgetBook budgets, SecretRedactor redactor, TimeProvider time, ILogger logger)
    {
        _state = state;
        _budgets = budgets;
        _redactor = redactor;
        _time = time;
        _logger = logger;
        budgets.UseSharedCounters();
    }

    /// <summary>Starts sending, watching and checking, and reads every budget's counter. Never throws for Redis.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_loop is not null)
            {
                return;
            }

            _loop = Task.Run(() => SendLoopAsync(_stopping.Token), CancellationToken.None);
            _availability = _time.CreateTimer(_ => CheckAvailability(), null, AvailabilityCheck, AvailabilityCheck);
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A request's spend was recorded (the book already counts it as not yet shared): it is sent soon, off the request path.</summary>
    public void Add(IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> spend)
    {
        lock (_gate)
        {
            // A request's charges are an array: enumerated without boxing an enumerator.
            if (spend is KeyValuePair<SpendPeriod, decimal>[] charges)
            {
                foreach (var (period, amount) in charges)
                {
                    _toSend[period] = _toSend.GetValueOrDefault(period) + amount;
                }
            }
            else
            {
                foreach (var (period, amount) in spend)
                {
                    _toSend[period] = _toSend.GetValueOrDefault(period) + amount;
                }
            }
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Reads every budget's counter in its current period (raising one that is lower than the floor, re-creating one Redis
    /// lost) and puts the totals in the book. Never throws.
    /// </summary>
    /// <returns>Whether every counter was read.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (!_budgets.HasBudgets)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return false;
        }

        try
        {
            if (!_state.Available)
            {
                Down(null);
                return false;
            }

            await WatchAsync(cancellationToken).ConfigureAwait(false);
            var periods = _budgets.CurrentPeriods();
            var reads = new Task<bool>[periods.Count];
            var i = 0;
            foreach (var period in periods)
            {
                reads[i++] = AddAsync(period, 0m, cancellationToken);
            }

            return (await Task.WhenAll(reads).ConfigureAwait(false)).All(read => read);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // What is queued is sent (for at most 2 s); what is not reaches the counters through the store.
        _wake.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(2), _time)).ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Release();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _wake.Writer.TryComplete();
        _loop?.Wait(TimeSpan.FromSeconds(2));
        _stopping.Cancel();
        Release();
    }

    /// <summary>The counter's name for a period: its start (Unix ms) and the budget's scope.</summary>
    internal static string KeyOf(SpendPeriod period) =>
        period.Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ":" + period.Scope;

    /// <summary>Reads a counter's name back into its period.</summary>
    internal static bool TryReadKey(string key, out SpendPeriod period)
    {
        period = default;
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !long.TryParse(key.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)
            || start < DateTimeOffset.MinValue.ToUnixTimeMilliseconds()
            || start > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        period = new SpendPeriod(key[(colon + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(start));
        return true;
    }

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        var reader = _wake.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                reader.TryRead(out _);
                Dictionary<SpendPeriod, decimal> batch;
                lock (_gate)
                {
                    batch = _toSend;
                    _toSend = _spare;
                    _spare = batch;
                }

                if (batch.Count > 0)
                {
                    await SendAsync(batch, stopping).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SendAsync(Dictionary<SpendPeriod, decimal> batch, CancellationToken stopping)
    {
        if (!_state.Available)
        {
            // No call to a server known to be down (it would only fail): the spend counts here and reaches it through the store.
            foreach (var (period, amount) in batch)
            {
                _budgets.NotShared(period, amount);
            }

            Down(null);
            return;
        }

        var adds = new Task<bool>[batch.Count];
        var i = 0;
        foreach (var (period, amount) in batch)
        {
            adds[i++] = AddAsync(period, amount, stopping);
        }

        await Task.WhenAll(adds).ConfigureAwait(false);
    }

    /// <summary>Adds this instance's <paramref name="amount"/> (0: only reads) to a period's counter and tells the book the answer.</summary>
    private async Task<bool> AddAsync(SpendPeriod period, decimal amount, CancellationToken cancellationToken)
    {
        if (_budgets.Find(period.Scope) is not { } budget)
        {
            // The budget was removed (a reloaded configuration): nothing checks it any more; the store keeps the spend.
            _budgets.NotShared(period, amount);
            return true;
        }

        try
        {
            var total = await _state.AddSpendAsync(KeyOf(period), amount, _budgets.SharedFloor(period), ExpiryOf(budget, period), cancellationToken).ConfigureAwait(false);
            _budgets.SharedAdded(period, amount, total);
            return true;
        }
        catch (SharedStateUnavailableException)
        {
            // The shared state logs and reports the outage once; the spend counts here until the counter has it from the store.
            _budgets.NotShared(period, amount);
            Down(null);
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _budgets.NotShared(period, amount);
            return false;
        }
        catch (Exception ex)
        {
            _budgets.NotShared(period, amount);
            Down(ex);
            return false;
        }
    }

    private DateTimeOffset ExpiryOf(Budget budget, SpendPeriod period)
    {
        var now = _time.GetUtcNow();
        var expires = budget.NextReset(period.Start) is { } end ? end + KeptAfterPeriod : now + NeverPeriodKept;
        return expires < now + KeptAfterPeriod ? now + KeptAfterPeriod : expires;
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _watching, 1) == 1)
        {
            return;
        }

        try
        {
            var watch = await _state.WatchSpendAsync(OnTotal, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (Volatile.Read(ref _disposed) == 1)
                {
                    watch.Dispose();
                    return;
                }

                _watch = watch;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Tried again with the next refresh.
            Volatile.Write(ref _watching, 0);
            if (ex is not SharedStateUnavailableException)
            {
                Down(ex);
            }
        }
    }

    /// <summary>Another instance (or this one) changed a counter.</summary>
    private void OnTotal(string key, decimal total)
    {
        if (TryReadKey(key, out var period) && _budgets.Find(period.Scope) is not null)
        {
            _budgets.SharedSeen(period, total);
        }
    }

    /// <summary>
    /// Every half second: while Redis is down, note it; once it is back, read every counter again — twice, on two checks in
    /// a row, because the subscription comes back a moment after the connection and a total published in between would
    /// be missed by the watch and could be missed by the first read.
    /// </summary>
    private void CheckAvailability()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        if (!_state.Available)
        {
            Down(null);
        }
        else if (Volatile.Read(ref _refreshesOwed) > 0)
        {
            _ = RecoverAsync();
        }
    }

    private async Task RecoverAsync()
    {
        CancellationToken stopping;
        try
        {
            stopping = _stopping.Token;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (await RefreshAsync(stopping).ConfigureAwait(false))
        {
            var owed = Volatile.Read(ref _refreshesOwed);
            if (owed > 0)
            {
                Interlocked.CompareExchange(ref _refreshesOwed, owed - 1, owed);
            }
        }
    }

    /// <summary>The counters could not be reached (or failed): two refreshes are owed once they are back.</summary>
    private void Down(Exception? unexpected)
    {
        if (Interlocked.Exchange(ref _refreshesOwed, 2) == 0 && unexpected is not null)
        {
            Log.SharedBudgetCountersFailed(_logger, _state.Name, _redactor.Redact(unexpected.Message), RedactedException.From(unexpected, _redactor));
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _availability?.Dispose();
            _watch?.Dispose();
            _watch = null;
        }

        _stopping.Dispose();
    }
}
