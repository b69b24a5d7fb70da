using Microsoft.Extensions.Configuration;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Auth;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// Reads the <c>Gateway</c> section strictly (unknown keys and wrong kinds of value are problems), resolves
/// <c>${ENV}</c> key references and checks every value, adding each problem to a list rather than stopping at the first.
/// </summary>
internal static class GatewaySettingsReader
{
    /// <summary>Reads the section.</summary>
    /// <param name="configuration">The whole configuration.</param>
    /// <param name="environment">Reads environment variables.</param>
    /// <param name="problems">Receives every problem found.</param>
    /// <returns>The settings (usable only when no problem was added).</returns>
    public static GatewaySettings Read(IConfiguration configuration, Func<string, string?> environment, List<string> problems)
    {
        var settings = new GatewaySettings();
        var section = configuration.GetSection(GatewaySettings.SectionName);
        if (section.Exists())
        {
            ConfigurationObjectReader.Read(section, settings, problems);
        }

        var unresolved = new HashSet<int>();
        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var key = settings.ApiKeys[i];
            if (key.Key is { } value && value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}'))
            {
                var variable = value[2..^1];
                key.Key = environment(variable);
                if (string.IsNullOrEmpty(key.Key))
                {
                    unresolved.Add(i);
                    problems.Add($"{GatewaySettings.SectionName}:ApiKeys:{i}:Key references environment variable {variable}, which is not set. Set it, or give the key's hash as KeySha256.");
                }
            }
        }

        problems.AddRange(GatewayApiKeys.Validate(settings, skipKeyChecks: unresolved));
        if (settings.MaxRequestBodyBytes <= 0)
        {
            problems.Add($"{GatewaySettings.SectionName}:MaxRequestBodyBytes: must be greater than 0 (found {settings.MaxRequestBodyBytes}).");
        }
        else if (settings.MaxRequestBodyBytes > GatewaySettings.LargestRequestBodyBytes)
        {
            problems.Add($"{GatewaySettings.SectionName}:MaxRequestBodyBytes: must be at most {GatewaySettings.LargestRequestBodyBytes} (1 GiB; a request is held in memory while it is checked), found {settings.MaxRequestBodyBytes}.");
        }

        CheckTelemetry(settings.Telemetry, problems);
        CheckDashboard(settings.Dashboard, problems);
        problems.AddRange(Responses.Storage.ResponseStoreSettingsCheck.Problems(settings.Responses));
        if (!Uri.TryCreate(settings.OllamaUrl, UriKind.Absolute, out _))
        {
            problems.Add($"{GatewaySettings.SectionName}:OllamaUrl: must be an absolute URL such as http://localhost:11434.");
        }

        if (settings.HealthProbeIntervalSeconds < 1)
        {
            problems.Add($"{GatewaySettings.SectionName}:HealthProbeIntervalSeconds: must be 1 or more (found {settings.HealthProbeIntervalSeconds}).");
        }

        for (var i = 0; i < settings.AllowedOrigins.Count; i++)
        {
            if (OriginProblem(settings.AllowedOrigins[i], keysConfigured: settings.ApiKeys.Count > 0) is { } problem)
            {
                problems.Add($"{GatewaySettings.SectionName}:AllowedOrigins:{i}: {problem}");
            }
        }

        return settings;
    }

    /// <summary>
    /// Checks that every <c>AllowedModels</c> entry names something a client could ask for: a route, a backend or a model
    /// a backend is configured with (disabled backends included: they may be enabled by an environment variable).
    /// </summary>
    /// <param name="settings">The gateway settings.</param>
    /// <param name="llm">The library's settings as read.</param>
    /// <param name="problems">Receives every problem found.</param>
    public static void CheckAllowedModels(GatewaySettings settings, LlmSettings llm, List<string> problems)
    {
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in llm.Routes)
        {
            Add(known, route.Name);
        }

        foreach (var backend in llm.Backends)
        {
            Add(known, backend.Name);
            Add(known, backend.ModelName);
            Add(known, backend.EmbeddingModelName);
        }

        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var allowed = settings.ApiKeys[i].AllowedModels;
            for (var j = 0; j < allowed.Count; j++)
            {
                var name = allowed[j]?.Trim() ?? string.Empty;
                if (name != "*" && !known.Contains(name))
                {
                    problems.Add(
                        $"{GatewaySettings.SectionName}:ApiKeys:{i}:AllowedModels:{j}: '{name}' is not a route, a backend or a configured model, so the key could never use it." +
                        NameSuggestions.DidYouMean(name, known) +
                        $" Names here: {string.Join(", ", known.Order(StringComparer.OrdinalIgnoreCase))} (or * for all).");
                }
            }
        }
    }

    /// <summary>Checks that per-key spend and token limits have the usage ledger they are counted from.</summary>
    /// <param name="settings">The gateway settings.</param>
    /// <param name="llm">The library's settings as read.</param>
    /// <param name="problems">Receives every problem found.</param>
    public static void CheckSpendSettings(GatewaySettings settings, LlmSettings llm, List<string> problems)
    {
        if (llm.Usage.Enabled)
        {
            return;
        }

        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var key = settings.ApiKeys[i];
            if (key.MaxSpendUsd is not null || key.MaxTokensPerMinute is not null)
            {
                problems.Add($"{GatewaySettings.SectionName}:ApiKeys:{i}: MaxSpendUsd and MaxTokensPerMinute are counted from the usage ledger, which LlmSettings:Usage:Enabled turns off. Turn it on, or remove them.");
            }
        }
    }

    private static void Add(HashSet<string> names, string? name)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            names.Add(name.Trim());
        }
    }

    private static string? OriginProblem(string? origin, bool keysConfigured)
    {
        if (origin == "*")
        {
            return keysConfigured
                ? null
                : "'*' would let every web page a user opens spend this gateway's provider keys, and no API keys are configured. List the origins that may call it, or configure Gateway:ApiKeys.";
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0 || origin!.EndsWith('/'))
        {
            return $"'{origin}' is not an origin: write the scheme, host and port only, as a browser sends it (for example https://app.example.com or http://localhost:3000).";
        }

        return null;
    }

    private static void CheckDashboard(GatewayDashboardSettings dashboard, List<string> problems)
    {
        const string section = GatewaySettings.SectionName + ":Dashboard";
        if (dashboard.JournalCapacity is < 10 or > 1_000_000)
        {
            problems.Add($"{section}:JournalCapacity: must be from 10 to 1000000 (found {dashboard.JournalCapacity}).");
        }

        if (dashboard.SessionIdleMinutes < 1)
        {
            problems.Add($"{section}:SessionIdleMinutes: must be 1 or more (found {dashboard.SessionIdleMinutes}).");
        }

        if (dashboard.SessionLifetimeHours < 1)
        {
            problems.Add($"{section}:SessionLifetimeHours: must be 1 or more (found {dashboard.SessionLifetimeHours}).");
        }

        if (dashboard.MaxLoginFailures < 1)
        {
            problems.Add($"{section}:MaxLoginFailures: must be 1 or more (found {dashboard.MaxLoginFailures}).");
        }
    }

    private static void CheckTelemetry(GatewayTelemetrySettings telemetry, List<string> problems)
    {
        const string section = GatewaySettings.SectionName + ":Telemetry";
        if (telemetry.OtlpEndpoint is { Length: > 0 } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{section}:OtlpEndpoint: must be an absolute http(s) URL such as http://localhost:4317.");
        }

        if (telemetry.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            problems.Add($"{section}:OtlpProtocol: must be grpc or http/protobuf.");
        }

        if (telemetry.TraceSampleRatio is < 0 or > 1 || double.IsNaN(telemetry.TraceSampleRatio))
        {
            problems.Add($"{section}:TraceSampleRatio: must be between 0 and 1 (1 traces every request).");
        }
    }
}
