using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Message content: plain text or a list of parts (a stream delta's single part is read as a list of one).</summary>
[JsonConverter(typeof(CohereContentConverter))]
internal sealed class CohereContent
{
    public string? Text { get; set; }

    public List<CohereContentPart>? Parts { get; set; }

    /// <summary>Gets the text: the string, or the text parts joined.</summary>
    public string JoinedText => Text ?? string.Concat(Parts?.Where(p => p.Type is "text" or null).Select(p => p.Text) ?? Array.Empty<string?>());

    /// <summary>Gets the thinking parts joined, or <see langword="null"/> when there are none.</summary>
    public string? JoinedThinking => Parts?.Where(p => p.Thinking is not null).Select(p => p.Thinking).ToArray() is { Length: > 0 } thinking
        ? string.Concat(thinking)
        : null;
}
