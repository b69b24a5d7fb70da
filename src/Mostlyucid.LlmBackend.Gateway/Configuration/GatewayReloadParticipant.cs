using System.Text;
using Microsoft.Extensions.Configuration;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Admin;
using Mostlyucid.LlmBackend.Gateway.Configuration.Files;
using Mostlyucid.LlmBackend.Gateway.Defaults;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// The gateway's part of a reload: the configuration files' own problems, the <c>Gateway</c> section read and checked as at
/// startup, and the checks that join it to the library's settings (<c>AllowedModels</c>, spend limits) — all in the
/// reload's one list of problems. When the whole configuration is good, its keys, limits, origins and key budgets are
/// swapped in with the library's.
/// </summary>
internal sealed class GatewayReloadParticipant : IConfigurationReloadParticipant
{
    private readonly IConfigurationRoot _configuration;
    private readonly GatewayConfiguration _gateway;
    private readonly KeySpend _keySpend;
    private readonly SecretRedactor _redactor;
    private readonly DefaultBackendsReport _defaults;
    private readonly GatewaySettings _startup;
    private readonly HashSet<string> _startupBackends;

    public GatewayReloadParticipant(IConfigurationRoot configuration, GatewayConfiguration gateway, KeySpend keySpend, SecretRedactor redactor, DefaultBackendsReport defaults, LlmSettings startupLlm)
    {
        _configuration = configuration;
        _gateway = gateway;
        _keySpend = keySpend;
        _redactor = redactor;
        _defaults = defaults;
        _startup = gateway.Current.Settings;
        _startupBackends = new HashSet<string>(startupLlm.Backends.Select(b => b.Name), StringComparer.OrdinalIgnoreCase);
    }

    public string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in _configuration.GetSection(GatewaySettings.SectionName).AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        foreach (var problem in TolerantJsonConfigurationProvider.ProblemsIn(_configuration))
        {
            text.Append(problem).Append('\n');
        }

        return text.ToString();
    }

    public PreparedReload Prepare(RegistryCandidate candidate, List<string> problems)
    {
        problems.AddRange(TolerantJsonConfigurationProvider.ProblemsIn(_configuration));
        var settings = GatewaySettingsReader.Read(_configuration, Environment.GetEnvironmentVariable, problems);
        foreach (var key in settings.ApiKeys)
        {
            // Known before any problem or log line could show it.
            _redactor.Add(key.Key);
        }

        GatewaySettingsReader.CheckAllowedModels(settings, candidate.Settings, problems);
        GatewaySettingsReader.CheckSpendSettings(settings, candidate.Settings, problems);
        problems.AddRange(Responses.Storage.ResponseStoreSettingsCheck.LedgerProblems(settings.Responses, candidate.Settings.Usage));
        if (_defaults.UsedDefaults && (!_startupBackends.SetEquals(candidate.Settings.Backends.Select(b => b.Name)) || !string.IsNullOrWhiteSpace(candidate.Settings.Plugins.ProvidersFile)))
        {
            problems.Add($"{LlmSettings.SectionName}:Backends: the gateway started on its embedded default backends; backends of your own (LlmSettings:Backends or Plugins:ProvidersFile) replace them only at a restart. Restart the gateway to use them.");
        }

        var restartNeeded = new List<string>();
        if (settings.UseDefaultBackends != _startup.UseDefaultBackends)
        {
            restartNeeded.Add($"{GatewaySettings.SectionName}:UseDefaultBackends");
        }

        if (!string.Equals(settings.OllamaUrl, _startup.OllamaUrl, StringComparison.Ordinal))
        {
            restartNeeded.Add($"{GatewaySettings.SectionName}:OllamaUrl");
        }

        // The response store is made once, with the host (a new one would forget every stored response).
        var responses = settings.Responses;
        if (!string.Equals(responses.Store, _startup.Responses.Store, StringComparison.OrdinalIgnoreCase)
            || responses.RetentionHours != _startup.Responses.RetentionHours || responses.MaxStoredResponses != _startup.Responses.MaxStoredResponses)
        {
            restartNeeded.Add($"{GatewaySettings.SectionName}:Responses");
        }

        // The telemetry SDK and its exporters are set up once, with the host.
        var telemetry = settings.Telemetry;
        var started = _startup.Telemetry;
        if (telemetry.Prometheus != started.Prometheus || telemetry.OtlpEndpoint != started.OtlpEndpoint
            || telemetry.OtlpProtocol != started.OtlpProtocol || !telemetry.TraceSampleRatio.Equals(started.TraceSampleRatio))
        {
            restartNeeded.Add($"{GatewaySettings.SectionName}:Telemetry");
        }

        // The dashboard, its journal, sessions and login throttle are set up once, with the host.
        var dashboard = settings.Dashboard;
        var dashboardAtStart = _startup.Dashboard;
        if (dashboard.Enabled != dashboardAtStart.Enabled || dashboard.JournalCapacity != dashboardAtStart.JournalCapacity
            || dashboard.SessionIdleMinutes != dashboardAtStart.SessionIdleMinutes || dashboard.SessionLifetimeHours != dashboardAtStart.SessionLifetimeHours
            || dashboard.MaxLoginFailures != dashboardAtStart.MaxLoginFailures)
        {
            restartNeeded.Add($"{GatewaySettings.SectionName}:Dashboard");
        }

        return new PreparedReload(
            _ =>
            {
                _gateway.Swap(new GatewaySnapshot(settings));
                _keySpend.Apply(settings);
            },
            $"{settings.ApiKeys.Count} API key(s)",
            restartNeeded);
    }
}
