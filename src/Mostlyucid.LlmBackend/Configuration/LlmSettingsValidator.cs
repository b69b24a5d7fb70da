using System.Globalization;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// Checks the meaning of the settings (the reader already checked their shape): names, types, URLs, ranges and
/// references between settings. Adds every problem found; never stops at the first.
/// </summary>
internal static class LlmSettingsValidator
{
    /// <summary>Validates everything that does not depend on which plugins are loaded.</summary>
    /// <param name="settings">The settings, with environment references expanded.</param>
    /// <param name="problems">Receives the problems.</param>
    public static void ValidateStructure(LlmSettings settings, List<string> problems)
    {
        const string Root = LlmSettings.SectionName;
        if (settings.Backends.Count == 0)
        {
            problems.Add($"{Root}:Backends: no backends are configured. Add at least one entry with a Name and a Type (for example \"Type\": \"OpenAI\").");
        }

        if (settings.TimeoutSeconds <= 0)
        {
            problems.Add($"{Root}:TimeoutSeconds: must be greater than 0 (found {settings.TimeoutSeconds}).");
        }

        Positive(settings.Monitoring.LatencyWindowSeconds, $"{Root}:Monitoring:LatencyWindowSeconds", problems);
        Positive(settings.Monitoring.LatencyWindowSize, $"{Root}:Monitoring:LatencyWindowSize", problems);
        if (settings.Telemetry.MaxContentLength < 0)
        {
            problems.Add($"{Root}:Telemetry:MaxContentLength must be 0 (record each message part whole) or more (found {settings.Telemetry.MaxContentLength}).");
        }

        ValidateResilience(settings.Resilience, $"{Root}:Resilience", problems);
        ValidateSandbox(settings.Sandbox, $"{Root}:Sandbox", problems);
        var firstByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < settings.Backends.Count; i++)
        {
            var backend = settings.Backends[i];
            var path = PathOf(backend, i);
            if (string.IsNullOrWhiteSpace(backend.Name))
            {
                problems.Add($"{path}:Name: every backend needs a unique Name.");
            }
            else if (firstByName.TryGetValue(backend.Name.Trim(), out var first))
            {
                problems.Add($"{path}:Name: '{backend.Name}' is also the name of {PathOf(settings.Backends[first], first)}; backend names must be unique.");
            }
            else
            {
                firstByName[backend.Name.Trim()] = i;
            }

            var label = $"{path} ({Describe(backend)})";
            if (backend.EffectiveBackendType.Length == 0)
            {
                problems.Add($"{label}: Type is required: a built-in type ({LlmBackendTypes.OpenAI}, {LlmBackendTypes.OpenAICompatible}, {LlmBackendTypes.AzureOpenAI}, …) or, for a plugin, CustomBackendType.");
            }

            if (!string.IsNullOrWhiteSpace(backend.Preset) && !string.Equals(backend.EffectiveBackendType, LlmBackendTypes.OpenAICompatible, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{label}: Preset applies only to Type {LlmBackendTypes.OpenAICompatible} (this backend's type is {backend.EffectiveBackendType}).");
            }

            Uri? uri = null;
            if (!string.IsNullOrWhiteSpace(backend.BaseUrl)
                && (!Uri.TryCreate(backend.BaseUrl, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                problems.Add($"{label}: BaseUrl must be an absolute http:// or https:// URL.");
            }
            else if (uri is { UserInfo.Length: > 0 })
            {
                // The URL's credential would be dropped by HttpClient, and URLs end up in logs: never accept one there.
                problems.Add($"{label}: BaseUrl contains a user name or password ('user:password@'); credentials in a URL are not sent and end up in logs. Remove them from the URL and put the key in ApiKey, or a header in Headers (for example \"Authorization\": \"Basic …\").");
            }

            if (backend.Weight < 0)
            {
                problems.Add($"{label}: Weight must be 0 or more (found {backend.Weight}).");
            }

            if (backend.Temperature is { } temperature && (temperature < 0 || temperature > 2))
            {
                problems.Add($"{label}: Temperature must be between 0 and 2 (found {temperature.ToString(CultureInfo.InvariantCulture)}).");
            }

            Positive(backend.MaxOutputTokens, $"{label}: MaxOutputTokens", problems);
            Positive(backend.MaxInputTokens, $"{label}: MaxInputTokens", problems);
            Positive(backend.TimeoutSeconds, $"{label}: TimeoutSeconds", problems);
            Positive(backend.FirstTokenTimeoutSeconds, $"{label}: FirstTokenTimeoutSeconds", problems);
            Positive(backend.IdleTimeoutSeconds, $"{label}: IdleTimeoutSeconds", problems);
            Positive(backend.ConnectTimeoutSeconds, $"{label}: ConnectTimeoutSeconds", problems);
            NotNegative(backend.CostPerMillionInputTokens, $"{label}: CostPerMillionInputTokens", problems);
            NotNegative(backend.CostPerMillionOutputTokens, $"{label}: CostPerMillionOutputTokens", problems);
            NotNegative(backend.CostPerMillionCachedInputTokens, $"{label}: CostPerMillionCachedInputTokens", problems);
            if (backend.MaxSpendUsd is <= 0)
            {
                problems.Add($"{label}: MaxSpendUsd must be greater than 0 (found {backend.MaxSpendUsd.Value.ToString(CultureInfo.InvariantCulture)}); leave it out for no budget.");
            }

            if (backend.SpendResetDayOfMonth is < 1 or > 31)
            {
                problems.Add($"{label}: SpendResetDayOfMonth must be from 1 to 31 (found {backend.SpendResetDayOfMonth}).");
            }

            if (backend.MaxRetries is < 0)
            {
                problems.Add($"{label}: MaxRetries must be 0 or more (found {backend.MaxRetries}).");
            }
            foreach (var (header, value) in backend.Headers)
            {
                if (header.Length == 0 || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
                {
                    problems.Add($"{label}: Headers: '{Printable(header)}' is not a valid HTTP header name (letters, digits and -_.!#$%&'*+^`|~ only).");
                }
                else if (value is not null && value.Any(c => (char.IsControl(c) && c != '\t') || c == '\u007f'))
                {
                    // The value is never shown: it may be a credential. Line breaks in it would inject other headers.
                    problems.Add($"{label}: Headers:{header}: the value contains a line break or another control character, which would let it add other headers to every request. Remove it (a value is one line of text).");
                }
            }
        }

        var routeNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < settings.Routes.Count; i++)
        {
            var route = settings.Routes[i];
            var path = $"{Root}:Routes:{i}";
            if (string.IsNullOrWhiteSpace(route.Name))
            {
                problems.Add($"{path}:Name: every route needs a Name (the model name clients will ask for).");
            }
            else if (!routeNames.Add(route.Name.Trim()))
            {
                problems.Add($"{path}:Name: '{route.Name}' is the name of another route; route names must be unique.");
            }
            else if (firstByName.ContainsKey(route.Name.Trim()))
            {
                problems.Add($"{path}:Name: '{route.Name}' is also a backend's name; a model name must mean one thing.");
            }

            if (route.Backends.Count == 0)
            {
                problems.Add($"{path}:Backends: list at least one backend for route '{route.Name}'.");
            }

            foreach (var name in route.Backends.Where(n => !firstByName.ContainsKey(n.Trim())))
            {
                problems.Add($"{path}:Backends: '{name}' is not the name of a configured backend ({string.Join(", ", firstByName.Keys)}).");
            }
        }

        ValidateCatalog(settings.ModelCatalog, $"{Root}:ModelCatalog", problems);
        ValidateUsage(settings.Usage, $"{Root}:Usage", problems);
        ValidateCaching(settings.Caching, settings.Redis, Root, problems);
        for (var i = 0; i < settings.Routes.Count; i++)
        {
            var route = settings.Routes[i];
            if (route.MaxSpendUsd is <= 0)
            {
                problems.Add($"{Root}:Routes:{i}:MaxSpendUsd must be greater than 0 (found {route.MaxSpendUsd.Value.ToString(CultureInfo.InvariantCulture)}); leave it out for no budget.");
            }

            if (route.SpendResetDayOfMonth is < 1 or > 31)
            {
                problems.Add($"{Root}:Routes:{i}:SpendResetDayOfMonth must be from 1 to 31 (found {route.SpendResetDayOfMonth}).");
            }
        }

        if (!settings.Usage.Enabled
            && (settings.Backends.Any(b => b.MaxSpendUsd is not null) || settings.Routes.Any(r => r.MaxSpendUsd is not null)))
        {
            problems.Add($"{Root}:Usage:Enabled is false, but MaxSpendUsd is set on a backend or route: budgets are kept by the usage ledger. Turn the ledger on or remove the budgets.");
        }

        if (!string.IsNullOrWhiteSpace(settings.DefaultBackend) && !firstByName.ContainsKey(settings.DefaultBackend.Trim()))
        {
            problems.Add($"{Root}:DefaultBackend: '{settings.DefaultBackend}' is not the name of a configured backend ({string.Join(", ", firstByName.Keys)}).");
        }
    }

    /// <summary>Checks each enabled backend's type against the types the loaded plugins (built-in included) provide.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="knownTypes">The types available now.</param>
    /// <param name="unresolvedIsProblem">Whether an unknown type is a problem (else the backend waits for a plugin).</param>
    /// <param name="problems">Receives the problems.</param>
    public static void ValidateTypes(LlmSettings settings, IReadOnlyCollection<string> knownTypes, bool unresolvedIsProblem, List<string> problems)
    {
        var known = new HashSet<string>(knownTypes, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < settings.Backends.Count; i++)
        {
            var backend = settings.Backends[i];
            if (!backend.Enabled)
            {
                continue;
            }

            var label = $"{PathOf(backend, i)} ({Describe(backend)})";
            if (!string.IsNullOrWhiteSpace(backend.Type) && !known.Contains(backend.Type.Trim()) && !string.IsNullOrWhiteSpace(backend.CustomBackendType) && unresolvedIsProblem)
            {
                problems.Add($"{label}: Type '{backend.Type}' is not a known backend type ({string.Join(", ", known.Order(StringComparer.OrdinalIgnoreCase))}).");
            }

            var type = backend.EffectiveBackendType;
            if (type.Length > 0 && !known.Contains(type) && unresolvedIsProblem)
            {
                var preset = Providers.OpenAI.OpenAiPresets.Find(type);
                var closest = preset is null ? NameSuggestions.Closest(type, known) : null;
                problems.Add(
                    $"{label}: Backend type {type} is not supported. " +
                    (closest is null ? string.Empty : $"Did you mean '{closest}'? ") +
                    "If this is a plugin backend, ensure CustomBackendType is set and the plugin is loaded. " +
                    (preset is null ? string.Empty : $"For the built-in {preset.Name} preset write \"Type\": \"{LlmBackendTypes.OpenAICompatible}\", \"Preset\": \"{preset.Name}\". ") +
                    $"Types available: {string.Join(", ", known.Order(StringComparer.OrdinalIgnoreCase))}. " +
                    $"To load the plugin later with LlmPluginLoader.LoadPluginFromAssembly, set {LlmSettings.SectionName}:Plugins:AllowUnresolvedTypes to true.");
            }
        }
    }

    private static readonly string[] Capabilities = { "chat", "tools", "vision", "json_schema", "embeddings", "reasoning" };

    private static void ValidateCatalog(List<ModelCatalogEntryConfig> entries, string path, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var at = $"{path}:{i}";
            if (string.IsNullOrWhiteSpace(entry.Model))
            {
                problems.Add($"{at}:Model: every catalog entry needs the model's id.");
            }
            else if (!seen.Add($"{entry.Provider?.Trim()}|{entry.Model.Trim()}"))
            {
                problems.Add($"{at}: '{entry.Model}'{(string.IsNullOrWhiteSpace(entry.Provider) ? string.Empty : $" of {entry.Provider}")} is listed twice; keep one entry per provider and model.");
            }

            NotNegative(entry.InputPerMillion, $"{at}:InputPerMillion", problems);
            NotNegative(entry.OutputPerMillion, $"{at}:OutputPerMillion", problems);
            NotNegative(entry.CachedInputPerMillion, $"{at}:CachedInputPerMillion", problems);
            Positive(entry.ContextWindow, $"{at}:ContextWindow", problems);
            Positive(entry.MaxOutputTokens, $"{at}:MaxOutputTokens", problems);
            foreach (var capability in entry.Capabilities.Where(c => !Capabilities.Contains(c, StringComparer.OrdinalIgnoreCase)))
            {
                problems.Add($"{at}:Capabilities: '{capability}' is not a capability ({string.Join(", ", Capabilities)}).{NameSuggestions.DidYouMean(capability, Capabilities)}");
            }
        }
    }

    private static void ValidateCaching(CachingSettings caching, RedisSettings redis, string root, List<string> problems)
    {
        var path = $"{root}:Caching";
        Positive(caching.ExpirationMinutes, $"{path}:ExpirationMinutes", problems);
        Positive(caching.MaxCacheSizeMb, $"{path}:MaxCacheSizeMb", problems);
        Positive(redis.TimeoutMs, $"{root}:Redis:TimeoutMs", problems);
        if (caching.KeyPrefix is null || caching.KeyPrefix.Length > 100)
        {
            problems.Add($"{path}:KeyPrefix must be text of at most 100 characters (for example 'llmb:cache:').");
        }

        var provider = caching.Provider?.Trim() ?? string.Empty;
        string[] providers = { CachingSettings.MemoryProvider, CachingSettings.RedisProvider };
        if (string.Equals(provider, "SqlServer", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{path}:Provider: SqlServer is not supported by this version. Use Memory (one instance) or Redis (shared by several instances, with {root}:Redis:ConnectionString).");
        }
        else if (!providers.Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"{path}:Provider: '{caching.Provider}' is not a cache provider (Memory, Redis).{NameSuggestions.DidYouMean(provider, providers)}");
        }
        else if (string.Equals(provider, CachingSettings.RedisProvider, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(redis.ConnectionString))
        {
            problems.Add($"{path}:Provider is Redis, but {root}:Redis:ConnectionString is empty: give the server, for example '127.0.0.1:6379,password=${{LLMB_REDIS_PASSWORD}}', or use Provider Memory.");
        }
    }

    private static void ValidateUsage(UsageSettings usage, string path, List<string> problems)
    {
        Positive(usage.QueueCapacity, $"{path}:QueueCapacity", problems);
        Positive(usage.BatchSize, $"{path}:BatchSize", problems);
        Positive(usage.FlushIntervalMs, $"{path}:FlushIntervalMs", problems);
        Positive(usage.SpendRefreshSeconds, $"{path}:SpendRefreshSeconds", problems);
        if (usage.RetentionDays < 0)
        {
            problems.Add($"{path}:RetentionDays must be 0 (keep records for ever) or more (found {usage.RetentionDays}).");
        }

        if (string.IsNullOrWhiteSpace(usage.Store))
        {
            problems.Add($"{path}:Store must name a store: Memory, Sqlite or PostgreSql.");
        }
    }

    private static void NotNegative(decimal? value, string path, List<string> problems)
    {
        if (value is < 0)
        {
            problems.Add($"{path} must be 0 or more (found {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void ValidateSandbox(SandboxSettings sandbox, string path, List<string> problems)
    {
        Positive(sandbox.InstancesPerPlugin, $"{path}:InstancesPerPlugin", problems);
        Positive(sandbox.CallTimeoutMs, $"{path}:CallTimeoutMs", problems);
        if (sandbox.MemoryLimitMb is < 1 or > 4096)
        {
            problems.Add($"{path}:MemoryLimitMb must be between 1 and 4096 (found {sandbox.MemoryLimitMb}): WebAssembly memory is at most 4 GiB.");
        }
    }

    private static void ValidateResilience(ResilienceSettings resilience, string path, List<string> problems)
    {
        if (resilience.MaxRetries < 0)
        {
            problems.Add($"{path}:MaxRetries must be 0 or more (found {resilience.MaxRetries}).");
        }

        Positive(resilience.RetryBaseDelayMs, $"{path}:RetryBaseDelayMs", problems);
        if (resilience.RetryMaxDelayMs < resilience.RetryBaseDelayMs)
        {
            problems.Add($"{path}:RetryMaxDelayMs ({resilience.RetryMaxDelayMs}) must be at least RetryBaseDelayMs ({resilience.RetryBaseDelayMs}).");
        }

        if (resilience.MaxRetryAfterSeconds < 0)
        {
            problems.Add($"{path}:MaxRetryAfterSeconds must be 0 or more (found {resilience.MaxRetryAfterSeconds}); 0 never waits for a Retry-After and fails over instead.");
        }

        Positive(resilience.RequestDeadlineSeconds, $"{path}:RequestDeadlineSeconds", problems);
        Positive(resilience.ConnectTimeoutSeconds, $"{path}:ConnectTimeoutSeconds", problems);
        Positive(resilience.FirstTokenTimeoutSeconds, $"{path}:FirstTokenTimeoutSeconds", problems);
        Positive(resilience.IdleTimeoutSeconds, $"{path}:IdleTimeoutSeconds", problems);
        Positive(resilience.HedgingDelayMs, $"{path}:HedgingDelayMs", problems);
        var breaker = resilience.CircuitBreaker;
        if (breaker.FailureRatio is <= 0 or > 1 || double.IsNaN(breaker.FailureRatio))
        {
            problems.Add($"{path}:CircuitBreaker:FailureRatio must be above 0 and at most 1 (found {breaker.FailureRatio.ToString(CultureInfo.InvariantCulture)}); to turn circuit breaking off set CircuitBreaker:Enabled to false.");
        }

        Positive(breaker.MinimumThroughput, $"{path}:CircuitBreaker:MinimumThroughput", problems);
        Positive(breaker.ConsecutiveFailures, $"{path}:CircuitBreaker:ConsecutiveFailures", problems);
        var hedging = resilience.FirstTokenHedging;
        if (!(hedging.DelayMultiplier > 0) || double.IsInfinity(hedging.DelayMultiplier))
        {
            problems.Add($"{path}:FirstTokenHedging:DelayMultiplier: must be a number above 0 (found {hedging.DelayMultiplier.ToString(CultureInfo.InvariantCulture)}); to turn hedging off set FirstTokenHedging:Enabled to false.");
        }

        Positive(hedging.MinDelayMs, $"{path}:FirstTokenHedging:MinDelayMs", problems);
        Positive(hedging.DefaultDelayMs, $"{path}:FirstTokenHedging:DefaultDelayMs", problems);
        Positive(hedging.MinSamples, $"{path}:FirstTokenHedging:MinSamples", problems);
        if (hedging.MaxDelayMs < hedging.MinDelayMs)
        {
            problems.Add($"{path}:FirstTokenHedging:MaxDelayMs: must be at least MinDelayMs ({hedging.MinDelayMs}) (found {hedging.MaxDelayMs}).");
        }
        Positive(breaker.SamplingWindowSeconds, $"{path}:CircuitBreaker:SamplingWindowSeconds", problems);
        Positive(breaker.BreakSeconds, $"{path}:CircuitBreaker:BreakSeconds", problems);
    }

    private static void Positive(int? value, string path, List<string> problems)
    {
        if (value is <= 0)
        {
            problems.Add($"{path} must be greater than 0 (found {value}).");
        }
    }

    private static string Printable(string text) =>
        new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>Names where a backend was declared, for messages: <c>LlmSettings:Backends:N</c> or its providers file entry.</summary>
    /// <param name="backend">The backend.</param>
    /// <param name="index">Its index in <see cref="LlmSettings.Backends"/>.</param>
    /// <returns>The path.</returns>
    public static string PathOf(LlmBackendConfig backend, int index) =>
        backend.DeclaredAt ?? $"{LlmSettings.SectionName}:Backends:{index}";

    /// <summary>Names a backend for messages.</summary>
    public static string Describe(LlmBackendConfig backend) =>
        string.IsNullOrWhiteSpace(backend.Name) ? "unnamed backend" : $"backend '{backend.Name}'";
}
