using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>Message content: either plain text or a list of parts; written and read in whichever form it has.</summary>
[JsonConverter(typeof(OpenAiContentConverter))]
internal sealed class OpenAiContent
{
    public string? Text { get; set; }

    public List<OpenAiContentPart>? Parts { get; set; }

    /// <summary>Gets the text: the string, or the text parts joined.</summary>
    public string JoinedText => Text ?? string.Concat(Parts?.Where(p => p is { Type: "text" }).Select(p => p!.Text) ?? Array.Empty<string?>());
}
