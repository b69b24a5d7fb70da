namespace Mostlyucid.LlmBackend.Models;

/// <summary>The shape the answer must have.</summary>
public enum ResponseFormatKind
{
    /// <summary>Free text.</summary>
    Text = 0,

    /// <summary>Any JSON object.</summary>
    JsonObject,

    /// <summary>JSON matching <see cref="ResponseFormat.Schema"/>.</summary>
    JsonSchema,
}
