using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tokens;

/// <summary>
/// Token counts and decoding with OpenAI's BPE vocabularies (Microsoft.ML.Tokenizers): <c>o200k_base</c> for current
/// models, <c>cl100k_base</c> for GPT-4, GPT-3.5 and the <c>text-embedding-*</c> models. Other providers' models are
/// counted with <c>o200k_base</c>, which makes their counts estimates. A chat request is counted the way OpenAI's chat
/// format adds up: a few tokens of framing per message and for the reply, the text of every part and tool call, the tool
/// definitions; images and PDFs, whose cost depends on pixels and pages, are given fixed rough amounts.
/// </summary>
public static class TokenEstimator
{
    /// <summary>The encoding of current OpenAI models.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The encoding of GPT-4, GPT-3.5 and OpenAI's embedding models.</summary>
    public const string Cl100kBase = "cl100k_base";

    /// <summary>Tokens counted for an image (OpenAI's high-detail tile cost; Anthropic's is similar for a ~1 megapixel image).</summary>
    public const int ImageTokens = 765;

    /// <summary>Bytes of PDF per token counted (a rough average over text-heavy pages).</summary>
    public const int PdfBytesPerToken = 4;

    private const int PerMessage = 3;
    private const int PerReply = 3;
    private const int PerTool = 8;

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding(O200kBase));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding(Cl100kBase));

    /// <summary>Gets the encoding used for a model: <see cref="Cl100kBase"/> for GPT-4 (not 4o/4.1), GPT-3.5 and embeddings, else <see cref="O200kBase"/>.</summary>
    /// <param name="model">The model id, if known.</param>
    /// <returns>The encoding's name.</returns>
    public static string EncodingFor(string? model)
    {
        var id = model?.Trim().ToLowerInvariant() ?? string.Empty;
        var slash = id.LastIndexOf('/');
        id = slash >= 0 ? id[(slash + 1)..] : id;
        var older = id.StartsWith("gpt-3.5", StringComparison.Ordinal)
            || id.StartsWith("text-embedding-", StringComparison.Ordinal)
            || (id.StartsWith("gpt-4", StringComparison.Ordinal) && !id.StartsWith("gpt-4o", StringComparison.Ordinal) && !id.StartsWith("gpt-4.", StringComparison.Ordinal));
        return older ? Cl100kBase : O200kBase;
    }

    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="model">The model, to choose the encoding (see <see cref="EncodingFor"/>).</param>
    /// <returns>The tokens.</returns>
    public static int CountText(string? text, string? model = null) =>
        string.IsNullOrEmpty(text) ? 0 : TokenizerFor(EncodingFor(model)).CountTokens(text);

    /// <summary>Turns token ids back into text.</summary>
    /// <param name="tokens">The token ids.</param>
    /// <param name="encoding">The encoding they are in: <see cref="O200kBase"/> or <see cref="Cl100kBase"/>.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentException">The encoding is not one of the two, or an id is not in its vocabulary.</exception>
    public static string Decode(IEnumerable<int> tokens, string encoding = Cl100kBase)
    {
        var tokenizer = TokenizerFor(encoding);
        return tokenizer.Decode(tokens) ?? throw new ArgumentException($"The tokens are not valid {encoding} token ids.", nameof(tokens));
    }

    /// <summary>Estimates a chat request's input tokens: messages, their parts and tool calls, and the tool definitions.</summary>
    /// <param name="request">The request.</param>
    /// <param name="model">The model it would be sent to (the request's own when <see langword="null"/>).</param>
    /// <returns>The estimate.</returns>
    public static int CountChat(ChatRequest request, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tokenizer = TokenizerFor(EncodingFor(model ?? request.Model));
        var total = PerReply;
        foreach (var message in request.Messages)
        {
            total += PerMessage + Count(tokenizer, message.Role) + Count(tokenizer, message.Name) + Count(tokenizer, message.Reasoning);
            if (message.Parts is { Count: > 0 } parts)
            {
                foreach (var part in parts)
                {
                    total += part.Kind switch
                    {
                        ContentPartKind.Image => ImageTokens,
                        ContentPartKind.Document when part.Text is null => (part.Data?.Length ?? 0) / PdfBytesPerToken,
                        _ => Count(tokenizer, part.Text) + Count(tokenizer, part.Title),
                    };
                }
            }
            else
            {
                total += Count(tokenizer, message.Content);
            }

            foreach (var call in message.ToolCalls ?? new List<ToolCall>())
            {
                total += PerMessage + Count(tokenizer, call.Name) + Count(tokenizer, call.Arguments);
            }
        }

        foreach (var tool in request.Tools ?? new List<ToolDefinition>())
        {
            total += PerTool + Count(tokenizer, tool.Name) + Count(tokenizer, tool.Description)
                + (tool.Parameters is { ValueKind: not JsonValueKind.Undefined } schema ? Count(tokenizer, schema.GetRawText()) : 0);
        }

        return total;
    }

    private static int Count(Tokenizer tokenizer, string? text) => string.IsNullOrEmpty(text) ? 0 : tokenizer.CountTokens(text);

    private static Tokenizer TokenizerFor(string encoding) => encoding switch
    {
        O200kBase => O200k.Value,
        Cl100kBase => Cl100k.Value,
        _ => throw new ArgumentException($"Unknown encoding '{encoding}': use {O200kBase} or {Cl100kBase}.", nameof(encoding)),
    };
}
