using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Spend;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Reload;

/// <summary>
/// Reloads the configuration when it changes, the way YARP does: the new configuration is read and validated whole beside
/// the running one (the same checks and problem lists as startup, the participants' included), and swapped in atomically
/// only when it has no problem. A bad one is refused — every problem logged in one warning and kept in
/// <see cref="Status"/> — and the last good one keeps serving. Changes are picked up from the configuration's reload token
/// after a short quiet time, because editors save a file in several steps.
/// </summary>
internal sealed class ConfigurationReloader : IDisposable
{
    /// <summary>How long the configuration must be quiet after a change before it is reloaded.</summary>
    public static readonly TimeSpan QuietTime = TimeSpan.FromMilliseconds(300);

    private readonly object _gate = new();
    private readonly BackendRegistry _registry;
    private readonly IConfigurationReloadParticipant[] _participants;
    private readonly BudgetBook? _budgets;
    private readonly UsageLedger? _ledger;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private IDisposable? _watch;
    private ITimer? _timer;
    private string? _applied;

    // What the last refused configuration read: a watcher that fires again for the same save (editors write a file in
    // several steps) finds nothing new and is not refused, and logged, a second time.
    private string? _refused;
    private volatile ConfigurationReloadStatus _status;

    public ConfigurationReloader(
        BackendRegistry registry,
        IEnumerable<IConfigurationReloadParticipant> participants,
        BudgetBook? budgets,
        UsageLedger? ledger,
        SecretRedactor redactor,
        TimeProvider time,
        ILogger<ConfigurationReloader> logger)
    {
        _registry = registry;
        _participants = participants.ToArray();
        _budgets = budgets;
        _ledger = ledger;
        _redactor = redactor;
        _time = time;
        _logger = logger;
        var version = registry.CurrentSnapshot?.Version ?? 1;
        _status = new ConfigurationReloadStatus(version, new ReloadSuccess(time.GetUtcNow(), version, "loaded at startup", Array.Empty<string>()), null);
    }

    /// <summary>Gets where reloading stands.</summary>
    public ConfigurationReloadStatus Status => _status;

    /// <summary>Starts watching the configuration (nothing to watch when the settings are configured in code).</summary>
    public void Start()
    {
        var configuration = _registry.Source.Configuration;
        if (configuration is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_watch is not null)
            {
                return;
            }

            _applied = Fingerprint();
            _timer = _time.CreateTimer(static s => ((ConfigurationReloader)s!).ReloadQuietly(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _watch = ChangeToken.OnChange(configuration.GetReloadToken, () => _timer?.Change(QuietTime, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>Stops watching.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _watch?.Dispose();
            _watch = null;
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose() => Stop();

    /// <summary>Reads the configuration now and swaps it in when it has no problem (skipped when nothing it reads changed).</summary>
    /// <returns>Where reloading stands afterwards.</returns>
    public ConfigurationReloadStatus Reload() => Reload(explicitly: true);

    /// <param name="explicitly">
    /// Whether a caller asked (then a configuration refused before is checked again: what it needs, such as a plugin's file,
    /// may have appeared since) or a change notification did (then the same refused text is left alone).
    /// </param>
    private ConfigurationReloadStatus Reload(bool explicitly)
    {
        lock (_gate)
        {
            var fingerprint = Fingerprint();
            if (fingerprint == _applied)
            {
                // Back to what runs: a later save of the refused text is a new mistake, said again.
                _refused = null;
                Log.ConfigurationUnchanged(_logger);
                return _status;
            }

            if (!explicitly && fingerprint == _refused)
            {
                Log.ConfigurationStillRefused(_logger, _status.Version);
                return _status;
            }

            var (settings, readProblems) = _registry.Source.Read();
            var candidate = _registry.Prepare(settings, readProblems);
            var problems = new List<string>(candidate.Problems);
            var prepared = new List<PreparedReload>(_participants.Length);
            foreach (var participant in _participants)
            {
                prepared.Add(participant.Prepare(candidate, problems));
            }

            if (problems.Count > 0)
            {
                _registry.Discard(candidate);
                var listed = problems.Select(_redactor.Redact).ToArray();
                _status = _status with { LastFailure = new ReloadFailure(_time.GetUtcNow(), listed) };
                _refused = fingerprint;
                Log.ConfigurationRefused(_logger, _status.Version, listed.Length, string.Concat(listed.Select(p => Environment.NewLine + "  - " + p)));
                return _status;
            }

            var snapshot = _registry.Commit(candidate);
            if (_budgets is not null)
            {
                _budgets.Replace(BudgetScopes.BackendPrefix, BudgetBook.BackendBudgets(candidate.Settings));
                _budgets.Replace(BudgetScopes.RoutePrefix, BudgetBook.RouteBudgets(candidate.Settings));
            }

            foreach (var part in prepared)
            {
                part.Commit(snapshot);
            }

            _ = _ledger?.BudgetsChangedAsync();
            _applied = fingerprint;
            _refused = null;
            var changes = string.Join("; ", prepared.Select(p => p.Changes).Prepend(candidate.Changes.ToString()).Where(c => c.Length > 0));
            var restartNeeded = candidate.RestartNeeded.Concat(prepared.SelectMany(p => p.RestartNeeded)).ToArray();
            _status = new ConfigurationReloadStatus(snapshot.Version, new ReloadSuccess(_time.GetUtcNow(), snapshot.Version, changes, restartNeeded), _status.LastFailure);
            Log.ConfigurationReloaded(_logger, snapshot.Version, changes);
            if (restartNeeded.Length > 0)
            {
                Log.ConfigurationRestartNeeded(_logger, snapshot.Version, string.Join(", ", restartNeeded));
            }

            return _status;
        }
    }

    private void ReloadQuietly()
    {
        try
        {
            Reload(explicitly: false);
        }
        catch (Exception ex)
        {
            // A timer callback must not throw; the running configuration stays in use and the failure is on record.
            Log.ConfigurationReloadFailed(_logger, _status.Version, RedactedException.From(ex, _redactor));
            var problem = _redactor.Redact($"The reload failed unexpectedly: {ex.GetType().Name}: {ex.Message}");
            _status = _status with { LastFailure = new ReloadFailure(_time.GetUtcNow(), new[] { problem }) };
        }
    }

    /// <summary>The library's section and every participant's, as text: what a reload reads.</summary>
    private string Fingerprint()
    {
        var text = new StringBuilder();
        if (_registry.Source.Section is { } section)
        {
            foreach (var (key, value) in section.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                text.Append(key).Append('=').Append(value).Append('\n');
            }
        }

        foreach (var participant in _participants)
        {
            text.Append('\u001e').Append(participant.Fingerprint());
        }

        return text.ToString();
    }
}
