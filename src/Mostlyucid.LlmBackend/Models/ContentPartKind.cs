namespace Mostlyucid.LlmBackend.Models;

/// <summary>What a <see cref="ContentPart"/> holds.</summary>
public enum ContentPartKind
{
    /// <summary>Text.</summary>
    Text = 0,

    /// <summary>An image, by URL or by bytes.</summary>
    Image,
}
