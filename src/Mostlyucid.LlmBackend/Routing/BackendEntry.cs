using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>One configured backend: its validated configuration, its long-lived metrics, and its current state.</summary>
internal sealed class BackendEntry
{
    private volatile BackendState _state;
    private string? _providerName;
    private string? _attemptSpanName;

    public BackendEntry(int index, LlmBackendConfig config, BackendMetrics metrics, BackendState state, BackendCircuitBreaker? breaker = null)
    {
        Index = index;
        Config = config;
        Metrics = metrics;
        _state = state;
        Breaker = breaker ?? new BackendCircuitBreaker(TimeProvider.System, new CircuitBreakerSettings { Enabled = false });
    }

    /// <summary>Gets the backend's circuit breaker.</summary>
    public BackendCircuitBreaker Breaker { get; }

    /// <summary>Gets the position in <c>LlmSettings:Backends</c> (ties are broken by it).</summary>
    public int Index { get; }

    public LlmBackendConfig Config { get; }

    public string Name => Config.Name;

    public BackendMetrics Metrics { get; }

    /// <summary>Gets the backend's <c>gen_ai.provider.name</c> for telemetry.</summary>
    public string ProviderName => _providerName ??= Telemetry.GenAiProviderNames.Of(Config);

    /// <summary>Gets the name of its attempts' spans.</summary>
    public string AttemptSpanName => _attemptSpanName ??= "attempt " + Name;

    public BackendState State
    {
        get => _state;
        set => _state = value;
    }

    public BackendInfo ToInfo()
    {
        var state = _state;
        return new BackendInfo
        {
            Name = Config.Name,
            BackendType = Config.EffectiveBackendType,
            PluginId = state.PluginId,
            ModelName = Config.ModelName,
            BaseUrl = Config.BaseUrl,
            Priority = Config.Priority,
            Weight = Config.Weight,
            Status = state.Status,
            StatusReason = state.Reason,
        };
    }
}
