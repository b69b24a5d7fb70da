using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// A rough token count for text a provider billed but reported no usage for (a stream cut mid-answer): four characters a
/// token, the usual rule of thumb for English with GPT-style tokenizers. Records that use it say so.
/// </summary>
internal static class TokenEstimate
{
    private const int CharactersPerToken = 4;

    /// <summary>Estimates the tokens of a number of characters.</summary>
    public static int Of(int characters) => characters <= 0 ? 0 : (characters + CharactersPerToken - 1) / CharactersPerToken;

    /// <summary>Estimates a request's prompt tokens from its messages' text.</summary>
    public static int Of(ChatRequest request)
    {
        var characters = 0;
        foreach (var message in request.Messages)
        {
            characters += message.Content?.Length ?? 0;
        }

        return Of(characters);
    }
}
