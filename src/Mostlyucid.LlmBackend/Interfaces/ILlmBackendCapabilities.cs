namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>What a backend can do beyond the basics, for the router's decisions. Optional; configuration can override it.</summary>
public interface ILlmBackendCapabilities
{
    /// <summary>
    /// Gets whether a trailing assistant message is continued rather than answered anew (an "assistant prefill"). The router
    /// uses it to continue a stream another backend broke, giving this backend the text already sent.
    /// </summary>
    bool SupportsAssistantPrefill { get; }
}
