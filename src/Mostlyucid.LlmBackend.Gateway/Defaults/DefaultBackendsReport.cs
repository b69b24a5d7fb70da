namespace Mostlyucid.LlmBackend.Gateway.Defaults;

/// <summary>What the embedded defaults decided at startup.</summary>
/// <param name="UsedDefaults">Whether the defaults were used (the configuration had no backends).</param>
/// <param name="Enabled">The default backends that are enabled.</param>
/// <param name="MockOnly">Whether only the Mock provider is serving.</param>
/// <param name="OllamaUrl">Where a local Ollama was looked for.</param>
internal sealed record DefaultBackendsReport(bool UsedDefaults, IReadOnlyList<string> Enabled, bool MockOnly, string? OllamaUrl);
