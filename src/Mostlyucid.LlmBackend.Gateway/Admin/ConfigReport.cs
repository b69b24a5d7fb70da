using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Gateway.Admin;

/// <summary>The body of <c>GET /admin/config</c>: where reloading the configuration stands.</summary>
internal sealed class ConfigReport
{
    /// <summary>Gets or sets the configuration's version in use (1 at startup, one more for each reload swapped in).</summary>
    [JsonPropertyName("version")]
    public long Version { get; set; }

    /// <summary>Gets or sets the last configuration swapped in (at startup, the one loaded then).</summary>
    [JsonPropertyName("last_success")]
    public ConfigReportSuccess LastSuccess { get; set; } = new();

    /// <summary>Gets or sets the last changed configuration that was refused; <see langword="null"/> when none was.</summary>
    [JsonPropertyName("last_failure")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ConfigReportFailure? LastFailure { get; set; }
}

/// <summary>A configuration swapped in.</summary>
internal sealed class ConfigReportSuccess
{
    [JsonPropertyName("at")]
    public DateTimeOffset At { get; set; }

    [JsonPropertyName("version")]
    public long Version { get; set; }

    /// <summary>Gets or sets what it changed (backends, routes, key count).</summary>
    [JsonPropertyName("changes")]
    public string Changes { get; set; } = string.Empty;

    /// <summary>Gets or sets the settings it changed that take effect only after a restart.</summary>
    [JsonPropertyName("restart_needed")]
    public List<string> RestartNeeded { get; set; } = new();
}

/// <summary>A changed configuration that was refused; the one in use stayed.</summary>
internal sealed class ConfigReportFailure
{
    [JsonPropertyName("at")]
    public DateTimeOffset At { get; set; }

    /// <summary>Gets or sets every problem found, as startup lists them.</summary>
    [JsonPropertyName("problems")]
    public List<string> Problems { get; set; } = new();
}
