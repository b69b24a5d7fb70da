using System.Text.Json;

namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// What a caller sent in one provider's wire format that the library's model does not cover — body fields such as OpenAI's
/// <c>store</c> or <c>service_tier</c>, headers such as Anthropic's <c>anthropic-beta</c> — kept with the format they belong
/// to. A backend of that format sends them on unchanged; a backend of any other format leaves them out and logs each one
/// it dropped at Debug level, so a provider that rejects unknown fields never sees another provider's options.
/// </summary>
/// <remarks>
/// Unlike <see cref="LlmRequestBase.AdditionalProperties"/> (merged into every backend's body as the application asked),
/// these fields are forwarded only where they mean something.
/// </remarks>
public sealed class ProviderPassThrough
{
    /// <summary>Gets or sets the wire format the fields and headers are in: one of <see cref="WireFormats"/>.</summary>
    public string Format { get; set; } = WireFormats.OpenAi;

    /// <summary>Gets or sets top-level body fields, by name, as the caller sent them.</summary>
    public Dictionary<string, JsonElement> Fields { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets request headers (lower-case names) that are the caller's to set for that provider.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets whether there is nothing to pass through.</summary>
    public bool IsEmpty => Fields.Count == 0 && Headers.Count == 0;
}
