using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.Translation;

/// <summary>
/// Document parts for providers without a document block of their own: a plain-text document travels as text (its title
/// on the first line), a PDF cannot travel at all and is named in the error.
/// </summary>
internal static class DocumentParts
{
    /// <summary>A plain-text document as the text to send: the title, a blank line, the text.</summary>
    public static string AsText(ContentPart part) =>
        string.IsNullOrEmpty(part.Title) ? part.Text ?? string.Empty : part.Title + "\n\n" + part.Text;

    /// <summary>Describes the first document the provider cannot take (any that is not plain text), or <see langword="null"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The problem, naming the message and part.</returns>
    public static string? FirstNonText(ChatRequest request)
    {
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var parts = request.Messages[i].Parts;
            for (var j = 0; parts is not null && j < parts.Count; j++)
            {
                if (parts[j].Kind == ContentPartKind.Document && parts[j].Text is null)
                {
                    return $"messages[{i}] part {j} is a document block ({parts[j].MediaType ?? "no media type"}), which this provider cannot take (plain-text documents it can)";
                }
            }
        }

        return null;
    }

    /// <summary>A message's text with its plain-text documents, each part separated by a blank line when there are documents.</summary>
    public static string TextWithDocuments(ChatMessage message)
    {
        if (message.Parts?.Any(p => p.Kind == ContentPartKind.Document) != true)
        {
            return message.GetText();
        }

        return string.Join("\n\n", message.Parts!.Where(p => p.Kind != ContentPartKind.Image).Select(p => p.Kind == ContentPartKind.Document ? AsText(p) : p.Text ?? string.Empty).Where(t => t.Length > 0));
    }
}
