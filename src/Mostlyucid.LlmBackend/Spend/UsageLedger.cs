using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// Writes the usage ledger off the request path: a request's record goes into a bounded queue (never blocking; when the
/// queue is full the record is dropped and counted), and one background loop writes batches — with the spend they add
/// to budgets, in the same store call — retrying a failing store. It also re-reads every budget's spend on a timer, so
/// other instances' spending is seen, and deletes records past their retention. With shared budget counters (Redis), it
/// hands them each request's spend as it records it, and refreshes them with the store's totals on the same timer.
/// </summary>
internal sealed class UsageLedger : IUsageLedger, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan[] WriteRetries = { TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3) };
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromHours(6);

    private readonly UsageSettings _settings;
    private readonly IUsageStore _store;
    private readonly BudgetBook _budgets;
    private readonly SharedBudgetCounters? _shared;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<(UsageRecord Record, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> Spend)> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _startGate = new();
    private Task? _started;
    private Task? _loop;
    private ITimer? _refresh;
    private TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _recorded;
    private long _written;
    private long _dropped;
    private int _writing;
    private int _disposed;
    private string? _lastError;
    private DateTimeOffset _nextRetention;

    /// <param name="settings">The ledger's settings.</param>
    /// <param name="store">Where records and spend are written (the ledger owns it).</param>
    /// <param name="budgets">The budgets the recorded spend counts against.</param>
    /// <param name="redactor">Hides secrets in errors.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="shared">The budget counters every instance shares, if Redis is configured (the ledger owns them).</param>
    public UsageLedger(UsageSettings settings, IUsageStore store, BudgetBook budgets, SecretRedactor redactor, TimeProvider time, ILogger logger, SharedBudgetCounters? shared = null)
    {
        _settings = settings;
        _store = store;
        _budgets = budgets;
        _shared = shared;
        _redactor = redactor;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<(UsageRecord, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>>)>(new BoundedChannelOptions(Math.Max(1, settings.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Raised (on the request's path, so keep it quick) for every record, before it is written.</summary>
    public event Action<UsageRecord>? Recorded;

    /// <summary>
    /// Raised with <see cref="Recorded"/>, with every attempt the request made (for live views such as the gateway's
    /// dashboard). The attempts travel beside the record, not in it, so the queue of records waiting to be written
    /// keeps none of them alive.
    /// </summary>
    public event Action<UsageRecord, IReadOnlyList<BackendAttempt>>? RecordedWithAttempts;

    /// <summary>Records a request: its spend counts against budgets at once; its record is written soon after.</summary>
    /// <param name="record">The request's record.</param>
    /// <param name="spend">What it charged to each budget's current period.</param>
    /// <param name="attempts">The attempts it made (for <see cref="RecordedWithAttempts"/>; not stored).</param>
    public void Record(UsageRecord record, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> spend, IReadOnlyList<BackendAttempt>? attempts = null)
    {
        EnsureStarted();
        Interlocked.Increment(ref _recorded);
        Recorded?.Invoke(record);
        RecordedWithAttempts?.Invoke(record, attempts ?? Array.Empty<BackendAttempt>());
        if (spend.Count > 0)
        {
            _budgets.Recorded(spend);
            _shared?.Add(spend);
        }

        if (!_queue.Writer.TryWrite((record, spend)))
        {
            // The spend still counts locally: a dropped record must not let a budget be overspent.
            var dropped = Interlocked.Increment(ref _dropped);
            if (dropped == 1 || dropped % 1000 == 0)
            {
                Log.UsageRecordsDropped(_logger, dropped, _settings.QueueCapacity);
            }
        }
    }

    /// <summary>Creates the store's tables, reads the budgets' spend and starts writing. Safe to call more than once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_startGate)
        {
            return _started ??= StartCoreAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The budgets changed (a reloaded configuration): a new budget starts from what the records say its scope spent this
    /// period, and every budget's spend is read again. Does nothing before the ledger started; never throws.
    /// </summary>
    public async Task BudgetsChangedAsync()
    {
        if (_started is not { } started)
        {
            return;
        }

        try
        {
            await started.ConfigureAwait(false);
            await SeedNewBudgetsAsync(_stopping.Token).ConfigureAwait(false);
            await RefreshSpendAsync(_stopping.Token).ConfigureAwait(false);
            if (_shared is not null)
            {
                await _shared.RefreshAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            // The budgets count from what is known; the next refresh reads the store again.
            Volatile.Write(ref _lastError, _redactor.Redact(ex.Message));
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        await (_started ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
        while (_queue.Reader.Count > 0 || Volatile.Read(ref _writing) == 1)
        {
            Interlocked.Exchange(ref _flushRequested, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<UsageTotal>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public UsageLedgerStatus GetStatus() => new()
    {
        Store = _settings.Store,
        Recorded = Interlocked.Read(ref _recorded),
        Written = Interlocked.Read(ref _written),
        Dropped = Interlocked.Read(ref _dropped),
        Waiting = _queue.Reader.Count,
        LastError = Volatile.Read(ref _lastError),
    };

    /// <summary>Stops taking records and writes everything queued (for at most <paramref name="cancellationToken"/>'s time).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        Interlocked.Exchange(ref _flushRequested, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Out of time: what is still queued is lost, and counted.
                Interlocked.Add(ref _dropped, _queue.Reader.Count);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this once as UsageLedger and once as IUsageLedger.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await StopAsync(limit.Token).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _refresh?.Dispose();
        _stopping.Dispose();
        if (_shared is not null)
        {
            await _shared.DisposeAsync().ConfigureAwait(false);
        }

        // The ledger owns its store (and so a database store's connection pool).
        if (_store is IAsyncDisposable asyncStore)
        {
            await asyncStore.DisposeAsync().ConfigureAwait(false);
        }
        else if (_store is IDisposable store)
        {
            store.Dispose();
        }
    }

    /// <summary>Writes what is queued (waiting at most 10 s) and stops; for containers disposed synchronously.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        Interlocked.Exchange(ref _flushRequested, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (_loop is { } loop && !loop.Wait(TimeSpan.FromSeconds(10)))
        {
            Interlocked.Add(ref _dropped, _queue.Reader.Count);
        }

        _stopping.Cancel();
        _refresh?.Dispose();
        _stopping.Dispose();
        _shared?.Dispose();
        (_store as IDisposable)?.Dispose();
    }

    private void EnsureStarted()
    {
        if (_started is null)
        {
            _ = StartAsync(CancellationToken.None);
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await SeedNewBudgetsAsync(cancellationToken).ConfigureAwait(false);
        await RefreshSpendAsync(cancellationToken).ConfigureAwait(false);
        if (_shared is not null)
        {
            // After the store's totals are read: they are the floors a counter Redis lost starts again from.
            await _shared.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _nextRetention = _time.GetUtcNow();
        _loop = Task.Factory.StartNew(() => WriteLoop(_stopping.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var every = TimeSpan.FromSeconds(Math.Max(1, _settings.SpendRefreshSeconds));
        _refresh = _time.CreateTimer(_ => _ = RefreshQuietlyAsync(), null, every, every);
    }

    /// <summary>
    /// The writer: on a thread of its own, so a store whose driver does its I/O synchronously (SQLite's does, behind its
    /// async methods) never holds a thread-pool thread that requests are waiting for. It blocks only itself.
    /// </summary>
    private void WriteLoop(CancellationToken stopping)
    {
        var reader = _queue.Reader;
        var batch = new List<(UsageRecord Record, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> Spend)>(_settings.BatchSize);
        while (reader.WaitToReadAsync(stopping).AsTask().GetAwaiter().GetResult())
        {
            Volatile.Write(ref _writing, 1);
            try
            {
                Drain(reader, batch);
                if (batch.Count < _settings.BatchSize && !reader.Completion.IsCompleted)
                {
                    // Let a batch fill for a moment; a flush (or shutdown) cuts the wait short.
                    Task.WaitAny(new[] { Task.Delay(TimeSpan.FromMilliseconds(_settings.FlushIntervalMs), _time, stopping), Volatile.Read(ref _flushRequested).Task }, CancellationToken.None);
                    Drain(reader, batch);
                }

                WriteAsync(batch, stopping).GetAwaiter().GetResult();
                batch.Clear();
                DeleteExpiredAsync(stopping).GetAwaiter().GetResult();
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
    }

    private void Drain(ChannelReader<(UsageRecord, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>>)> reader, List<(UsageRecord Record, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> Spend)> batch)
    {
        while (batch.Count < _settings.BatchSize && reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }

    private async Task WriteAsync(List<(UsageRecord Record, IReadOnlyCollection<KeyValuePair<SpendPeriod, decimal>> Spend)> batch, CancellationToken stopping)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var records = batch.Select(b => b.Record).ToArray();
        var spend = new Dictionary<SpendPeriod, decimal>();
        foreach (var (_, added) in batch)
        {
            // A request's charges are an array (empty when it charged no budget): enumerated without boxing.
            if (added is KeyValuePair<SpendPeriod, decimal>[] charges)
            {
                foreach (var (period, amount) in charges)
                {
                    spend[period] = spend.GetValueOrDefault(period) + amount;
                }

                continue;
            }

            foreach (var (period, amount) in added)
            {
                spend[period] = spend.GetValueOrDefault(period) + amount;
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(records, spend, stopping).ConfigureAwait(false);
                Interlocked.Add(ref _written, records.Length);
                _budgets.Written(spend);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                var message = _redactor.Redact(ex.Message);
                Volatile.Write(ref _lastError, message);
                if (attempt >= WriteRetries.Length)
                {
                    Interlocked.Add(ref _dropped, records.Length);
                    Log.UsageWriteFailed(_logger, records.Length, message, RedactedException.From(ex, _redactor));
                    return;
                }

                await Task.Delay(WriteRetries[attempt], _time, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task DeleteExpiredAsync(CancellationToken stopping)
    {
        var now = _time.GetUtcNow();
        if (_settings.RetentionDays <= 0 || now < _nextRetention)
        {
            return;
        }

        _nextRetention = now + RetentionEvery;
        try
        {
            await _store.DeleteOlderThanAsync(now.AddDays(-_settings.RetentionDays), stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Volatile.Write(ref _lastError, _redactor.Redact(ex.Message));
        }
    }

    /// <summary>
    /// A budget added (or whose period began) while requests were recorded starts from what the records say its scope
    /// spent this period, not from nothing: a budget set on the 15th counts the month so far. The store keeps a period's
    /// spend once it has it, so this only fills periods no instance has started.
    /// </summary>
    private async Task SeedNewBudgetsAsync(CancellationToken cancellationToken)
    {
        if (!_budgets.HasBudgets)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var seeds = new Dictionary<SpendPeriod, decimal>();
        var totals = new Dictionary<(UsageGrouping, DateTimeOffset), IReadOnlyList<UsageTotal>>();
        foreach (var period in _budgets.CurrentPeriods())
        {
            if (BudgetScopes.InLedger(period.Scope) is not { } scope)
            {
                continue;
            }

            if (!totals.TryGetValue((scope.Grouping, period.Start), out var found))
            {
                found = await _store.QueryAsync(new UsageQuery { GroupBy = scope.Grouping, From = period.Start, To = now.AddSeconds(1) }, cancellationToken).ConfigureAwait(false);
                totals[(scope.Grouping, period.Start)] = found;
            }

            seeds[period] = found.FirstOrDefault(t => string.Equals(t.Key, scope.Name, StringComparison.OrdinalIgnoreCase))?.CostUsd ?? 0m;
        }

        await _store.SeedSpendAsync(seeds, cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshSpendAsync(CancellationToken cancellationToken)
    {
        if (_budgets.HasBudgets)
        {
            _budgets.Refreshed(await _store.ReadSpendAsync(_budgets.CurrentPeriods(), cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await RefreshSpendAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The last known spend stays in force; the next refresh tries again.
            Volatile.Write(ref _lastError, _redactor.Redact(ex.Message));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
            return;
        }

        // The same timer reads the shared counters again (with the store's totals just read as their floors). Other
        // instances' spend arrives by the counters' push as it happens; this only repairs a message this one missed.
        if (_shared is not null)
        {
            await _shared.RefreshAsync(_stopping.Token).ConfigureAwait(false);
        }
    }
}
