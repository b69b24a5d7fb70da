namespace Mostlyucid.LlmBackend.Models;

/// <summary>What a <see cref="ContentPart"/> holds.</summary>
public enum ContentPartKind
{
    /// <summary>Text.</summary>
    Text = 0,

    /// <summary>An image, by URL or by bytes.</summary>
    Image,

    /// <summary>
    /// A document: a PDF (bytes or URL) or plain text (<see cref="ContentPart.Text"/> with media type <c>text/plain</c>),
    /// with an optional <see cref="ContentPart.Title"/>.
    /// </summary>
    Document,
}
