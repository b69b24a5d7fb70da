using System.Globalization;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>
/// Translates between the library's model and Gemini's <c>generateContent</c> wire format. Requests it cannot express
/// (a tool result whose function cannot be named, an image it cannot carry) throw <see cref="ArgumentException"/>, which
/// the backend reports as an invalid request.
/// </summary>
/// <remarks>
/// Tool call ids: newer Gemini models return <c>functionCall.id</c> and expect it back in <c>functionResponse.id</c>; older
/// ones return no id and match results by function name and order. Calls without an id get one made up here
/// (<see cref="SyntheticIdPrefix"/>, the call's position and its function), which is never sent to Gemini.
/// </remarks>
internal static class GeminiMapper
{
    /// <summary>The start of the ids made up for calls Gemini returned without one.</summary>
    public const string SyntheticIdPrefix = "synthetic_call_";

    private const string ModelsPrefix = "models/";

    private static readonly Dictionary<string, string> ImageTypesByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".heic"] = "image/heic",
        [".heif"] = "image/heif",
        [".gif"] = "image/gif",
    };

    /// <summary>Gets the model's resource path: <c>models/{id}</c>, or the name as given when it already has a collection (<c>models/…</c>, <c>tunedModels/…</c>).</summary>
    public static string ModelPath(string model) => model.Contains('/', StringComparison.Ordinal) ? model : ModelsPrefix + model;

    /// <summary>Gets the model's id without the <c>models/</c> prefix.</summary>
    public static string ModelId(string model) => model.StartsWith(ModelsPrefix, StringComparison.Ordinal) ? model[ModelsPrefix.Length..] : model;

    /// <summary>Builds the request body for a chat request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="defaultMaxTokens">The backend's configured output limit.</param>
    /// <param name="defaultTemperature">The backend's configured temperature.</param>
    /// <param name="argumentsAsObject">Turns a tool call's arguments text into the JSON object Gemini takes.</param>
    /// <returns>The body.</returns>
    public static GeminiGenerateContentRequest ToWire(ChatRequest request, int? defaultMaxTokens, double? defaultTemperature, Func<string, JsonElement> argumentsAsObject)
    {
        var contents = new List<GeminiContent>();
        var system = new List<GeminiPart>();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            switch (message.Role.ToLowerInvariant())
            {
                case ChatRole.System or "developer":
                    if (message.GetText("\n\n") is { Length: > 0 } instruction)
                    {
                        system.Add(new GeminiPart { Text = instruction });
                    }

                    break;
                case ChatRole.Assistant:
                    Append(contents, "model", AssistantParts(message, argumentsAsObject));
                    break;
                case ChatRole.Tool:
                    Append(contents, "user", new List<GeminiPart> { FunctionResponsePart(request.Messages, i) });
                    break;
                default:
                    Append(contents, "user", UserParts(message));
                    break;
            }
        }

        var tools = request.Tools is { Count: > 0 } declared ? declared : null;
        return new GeminiGenerateContentRequest
        {
            Contents = contents,
            SystemInstruction = system.Count > 0 ? new GeminiContent { Parts = system } : null,
            Tools = tools is null ? null : new List<GeminiTool>
            {
                new() { FunctionDeclarations = tools.Select(t => new GeminiFunctionDeclaration { Name = t.Name, Description = t.Description, ParametersJsonSchema = t.Parameters }).ToList() },
            },
            ToolConfig = tools is not null && request.ToolChoice is { } choice ? ToWire(choice) : null,
            GenerationConfig = GenerationConfig(request, defaultMaxTokens, defaultTemperature),
        };
    }

    /// <summary>Maps a tool choice onto Gemini's function calling modes.</summary>
    public static GeminiToolConfig ToWire(ToolChoice choice) => new()
    {
        FunctionCallingConfig = choice.Mode switch
        {
            ToolChoiceMode.None => new GeminiFunctionCallingConfig { Mode = "NONE" },
            ToolChoiceMode.Required => new GeminiFunctionCallingConfig { Mode = "ANY" },
            ToolChoiceMode.Function => new GeminiFunctionCallingConfig { Mode = "ANY", AllowedFunctionNames = new List<string> { choice.FunctionName ?? string.Empty } },
            _ => new GeminiFunctionCallingConfig { Mode = "AUTO" },
        },
    };

    /// <summary>Reads a complete response that has at least one candidate.</summary>
    public static LlmResponse FromWire(GeminiGenerateContentResponse wire, string requestedModel)
    {
        var candidate = wire.Candidates![0];
        var read = ReadParts(candidate.Content?.Parts, firstCallIndex: 0);
        var response = new LlmResponse
        {
            Success = true,
            Content = read.Text,
            Reasoning = read.Reasoning.Length > 0 ? read.Reasoning : null,
            ReasoningSignature = read.Signature,
            FinishReason = FinishReason(candidate.FinishReason, read.Calls.Count > 0),
            ModelUsed = wire.ModelVersion ?? ModelId(requestedModel),
            ResponseId = wire.ResponseId,
            ToolCalls = read.Calls.Count > 0 ? read.Calls : null,
        };
        if (ToUsage(wire.UsageMetadata) is { } usage)
        {
            response.PromptTokens = usage.PromptTokens;
            response.CompletionTokens = usage.CompletionTokens;
            response.TotalTokens = usage.TotalTokens;
            response.CachedPromptTokens = usage.CachedPromptTokens;
            response.ReasoningTokens = usage.ReasoningTokens;
        }

        return response;
    }

    /// <summary>
    /// Maps Gemini's finish reasons onto <see cref="FinishReasons"/>: <c>STOP</c> is <c>tool_calls</c> when the candidate
    /// called functions, <c>MAX_TOKENS</c> is <c>length</c>, the safety and policy reasons are <c>content_filter</c>, and
    /// anything else is <c>stop</c>.
    /// </summary>
    public static string? FinishReason(string? wire, bool calledTools) => wire switch
    {
        null or "" => calledTools ? FinishReasons.ToolCalls : null,
        "MAX_TOKENS" => FinishReasons.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" => FinishReasons.ContentFilter,
        _ => calledTools ? FinishReasons.ToolCalls : FinishReasons.Stop,
    };

    /// <summary>Reads token counts; thinking tokens count as completion tokens, as other providers count reasoning.</summary>
    public static LlmUsage? ToUsage(GeminiUsageMetadata? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var completion = usage.CandidatesTokenCount + usage.ThoughtsTokenCount;
        return new LlmUsage
        {
            PromptTokens = usage.PromptTokenCount,
            CompletionTokens = completion,
            TotalTokens = usage.TotalTokenCount > 0 ? usage.TotalTokenCount : usage.PromptTokenCount + completion,
            CachedPromptTokens = usage.CachedContentTokenCount,
            ReasoningTokens = usage.ThoughtsTokenCount,
        };
    }

    /// <summary>
    /// Reads a candidate's parts: the answer's text, the thought summaries, the first thought signature and the function
    /// calls (numbered from <paramref name="firstCallIndex"/>, for ids made up for calls without one).
    /// </summary>
    public static (string Text, string Reasoning, string? Signature, List<ToolCall> Calls) ReadParts(IReadOnlyList<GeminiPart>? parts, int firstCallIndex)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? signature = null;
        var calls = new List<ToolCall>();
        foreach (var part in parts ?? Array.Empty<GeminiPart>())
        {
            signature ??= string.IsNullOrEmpty(part.ThoughtSignature) ? null : part.ThoughtSignature;
            if (part.FunctionCall is { } call)
            {
                var name = call.Name ?? string.Empty;
                calls.Add(new ToolCall
                {
                    Id = string.IsNullOrEmpty(call.Id) ? SyntheticId(firstCallIndex + calls.Count, name) : call.Id,
                    Name = name,
                    Arguments = call.Args is { ValueKind: JsonValueKind.Object } args ? Compact(args) : "{}",
                    Signature = string.IsNullOrEmpty(part.ThoughtSignature) ? null : part.ThoughtSignature,
                });
            }
            else if (part.Text is { } piece)
            {
                (part.Thought == true ? reasoning : text).Append(piece);
            }
        }

        return (text.ToString(), reasoning.ToString(), signature, calls);
    }

    /// <summary>Maps <see cref="EmbeddingRequest.InputType"/> onto Gemini's task types (other values are sent upper-cased).</summary>
    public static string? TaskType(string? inputType) => inputType?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "search_document" => "RETRIEVAL_DOCUMENT",
        "search_query" => "RETRIEVAL_QUERY",
        var other => other.ToUpperInvariant(),
    };

    /// <summary>Guesses an image's media type from its URL's extension; <c>image/jpeg</c> when it cannot tell.</summary>
    public static string GuessImageType(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        return ImageTypesByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : "image/jpeg";
    }

    /// <summary>Writes a JSON value without the whitespace it arrived with (text stays readable: this is not HTML).</summary>
    private static string Compact(JsonElement value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool IsSynthetic(string? id) => string.IsNullOrEmpty(id) || id.StartsWith(SyntheticIdPrefix, StringComparison.Ordinal);

    private static string SyntheticId(int index, string name) => SyntheticIdPrefix + index.ToString(CultureInfo.InvariantCulture) + "_" + name;

    private static void Append(List<GeminiContent> contents, string role, List<GeminiPart> parts)
    {
        if (contents.Count > 0 && contents[^1].Role == role)
        {
            contents[^1].Parts!.AddRange(parts);
            return;
        }

        contents.Add(new GeminiContent { Role = role, Parts = parts });
    }

    private static List<GeminiPart> UserParts(ChatMessage message)
    {
        var parts = message.GetParts().Select(p => p.Kind switch
        {
            ContentPartKind.Image => ImagePart(p),
            ContentPartKind.Document when p.Text is not null => new GeminiPart { Text = DocumentParts.AsText(p) },

            // Gemini reads PDFs as it reads images: inline bytes, or a file URI it fetches.
            ContentPartKind.Document => ImagePart(p),
            _ => new GeminiPart { Text = p.Text ?? string.Empty },
        }).ToList();
        return parts.Count > 0 ? parts : new List<GeminiPart> { new() { Text = string.Empty } };
    }

    /// <summary>
    /// Carries an image: bytes and base64 <c>data:</c> URLs inline, other URLs as <c>fileData</c>.
    /// </summary>
    /// <remarks>
    /// Gemini fetches <c>fileData</c> URIs itself and accepts only Files API URIs, Cloud Storage URIs and (on newer models)
    /// public http(s) URLs; an image on a private address must be sent as bytes.
    /// </remarks>
    private static GeminiPart ImagePart(ContentPart part)
    {
        if (part.TryGetImageBytes(out var data, out var mediaType))
        {
            return new GeminiPart { InlineData = new GeminiBlob { MimeType = mediaType, Data = Convert.ToBase64String(data.Span) } };
        }

        if (part.Url is not { Length: > 0 } url)
        {
            throw new ArgumentException("an image part has neither bytes nor a URL.");
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("an image data: URL is not base64-encoded; Gemini takes images as bytes, base64 data: URLs or file URIs.");
        }

        return new GeminiPart { FileData = new GeminiFileData { MimeType = part.Kind == ContentPartKind.Document ? part.MediaType ?? "application/pdf" : GuessImageType(url), FileUri = url } };
    }

    private static List<GeminiPart> AssistantParts(ChatMessage message, Func<string, JsonElement> argumentsAsObject)
    {
        var parts = new List<GeminiPart>();
        if (message.GetText() is { Length: > 0 } text)
        {
            parts.Add(new GeminiPart { Text = text });
        }

        foreach (var call in message.ToolCalls ?? new List<ToolCall>())
        {
            parts.Add(new GeminiPart
            {
                FunctionCall = new GeminiFunctionCall { Id = IsSynthetic(call.Id) ? null : call.Id, Name = call.Name, Args = argumentsAsObject(call.Arguments) },
                ThoughtSignature = call.Signature,
            });
        }

        if (parts.Count == 0)
        {
            parts.Add(new GeminiPart { Text = string.Empty });
        }

        // Gemini signs each function call it made (kept per call in ToolCall.Signature) and otherwise the turn, on the first
        // function call or the last part of a text answer; it checks the signatures when the turn comes back.
        if (!string.IsNullOrEmpty(message.ReasoningSignature) && !parts.Any(p => p.ThoughtSignature is not null))
        {
            (parts.FirstOrDefault(p => p.FunctionCall is not null) ?? parts[^1]).ThoughtSignature = message.ReasoningSignature;
        }

        return parts;
    }

    private static GeminiPart FunctionResponsePart(List<ChatMessage> messages, int index)
    {
        var message = messages[index];
        var id = message.ToolCallId;
        var name = !string.IsNullOrEmpty(message.Name) ? message.Name : FindCallName(messages, index, id)
            ?? throw new ArgumentException($"the tool message answering call '{id}' has no Name and no earlier assistant message made that call; Gemini needs the function's name.");
        return new GeminiPart
        {
            FunctionResponse = new GeminiFunctionResponse { Id = IsSynthetic(id) ? null : id, Name = name, Response = ResultObject(message.GetText()) },
        };
    }

    private static string? FindCallName(List<ChatMessage> messages, int before, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        for (var i = before - 1; i >= 0; i--)
        {
            if (messages[i].ToolCalls?.FirstOrDefault(c => c.Id == id) is { } call)
            {
                return call.Name;
            }
        }

        return null;
    }

    /// <summary>A tool's result as the object Gemini takes: the result itself when it is a JSON object, else <c>{"result": text}</c>.</summary>
    private static JsonElement ResultObject(string result)
    {
        try
        {
            using var document = JsonDocument.Parse(result);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Plain text: wrapped below.
        }

        return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["result"] = result }, ProviderJsonContext.Default.DictionaryStringString);
    }

    private static GeminiGenerationConfig? GenerationConfig(ChatRequest request, int? defaultMaxTokens, double? defaultTemperature)
    {
        var format = request.ResponseFormat?.Kind is ResponseFormatKind.JsonObject or ResponseFormatKind.JsonSchema ? request.ResponseFormat : null;
        var config = new GeminiGenerationConfig
        {
            Temperature = request.Temperature ?? defaultTemperature,
            TopP = request.TopP,
            TopK = request.TopK,
            MaxOutputTokens = request.MaxTokens ?? defaultMaxTokens,
            StopSequences = request.Stop is { Count: > 0 } stop ? stop : null,
            Seed = request.Seed,
            PresencePenalty = request.PresencePenalty,
            FrequencyPenalty = request.FrequencyPenalty,
            ResponseMimeType = format is null ? null : "application/json",
            ResponseJsonSchema = format?.Kind == ResponseFormatKind.JsonSchema ? format.Schema : null,
            ThinkingConfig = request.ThinkingBudgetTokens is { } budget ? new GeminiThinkingConfig { ThinkingBudget = budget, IncludeThoughts = budget != 0 ? true : null } : null,
        };
        var empty = config is
        {
            Temperature: null, TopP: null, TopK: null, MaxOutputTokens: null, StopSequences: null, Seed: null, PresencePenalty: null,
            FrequencyPenalty: null, ResponseMimeType: null, ThinkingConfig: null,
        };
        return empty ? null : config;
    }
}
