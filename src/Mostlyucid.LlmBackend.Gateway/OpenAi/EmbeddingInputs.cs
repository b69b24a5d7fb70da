using System.Text.Json;
using Mostlyucid.LlmBackend.Tokens;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>
/// Reads an embeddings request's <c>input</c>: a string, an array of strings, or tokens — an array of token ids, or an
/// array of such arrays, as LangChain's <c>OpenAIEmbeddings</c> sends by default. Tokens are decoded back to text with
/// <c>cl100k_base</c> (the encoding of OpenAI's embedding models, which is what such clients encode with), so every
/// backend can embed them.
/// </summary>
internal static class EmbeddingInputs
{
    public const string Problem = "input must be a string, a non-empty array of strings, an array of token ids, or an array of token-id arrays";

    /// <returns>The texts, or <see langword="null"/> and the problem when the input is none of those.</returns>
    public static (List<string>? Texts, string? Problem) Read(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return (new List<string> { input.GetString()! }, null);
            case JsonValueKind.Array when input.GetArrayLength() > 0:
                var first = input[0].ValueKind;
                if (first == JsonValueKind.Number)
                {
                    return Tokens(input) is { } tokens ? Decode(new List<int[]> { tokens }) : (null, Problem);
                }

                var texts = new List<string>(input.GetArrayLength());
                var arrays = new List<int[]>();
                foreach (var item in input.EnumerateArray())
                {
                    if (first == JsonValueKind.String && item.ValueKind == JsonValueKind.String)
                    {
                        texts.Add(item.GetString()!);
                    }
                    else if (first == JsonValueKind.Array && Tokens(item) is { } ids)
                    {
                        arrays.Add(ids);
                    }
                    else
                    {
                        return (null, Problem);
                    }
                }

                return first == JsonValueKind.Array ? Decode(arrays) : (texts, null);
            default:
                return (null, Problem);
        }
    }

    private static int[]? Tokens(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return null;
        }

        var ids = new int[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out ids[i++]) || ids[i - 1] < 0)
            {
                return null;
            }
        }

        return ids;
    }

    private static (List<string>? Texts, string? Problem) Decode(List<int[]> arrays)
    {
        var texts = new List<string>(arrays.Count);
        try
        {
            foreach (var ids in arrays)
            {
                texts.Add(TokenEstimator.Decode(ids, TokenEstimator.Cl100kBase));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return (null, "input holds token ids that are not in the cl100k_base vocabulary");
        }

        return (texts, null);
    }
}
