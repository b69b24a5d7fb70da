using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>
/// Reads the events of one <c>streamGenerateContent</c> stream into updates. Gemini sends each function call whole in one
/// event, so a call becomes one <see cref="ToolCallUpdate"/> with the next index of the stream; usage comes with the event
/// that finishes the candidate (earlier events carry partial counts, which are not passed on).
/// </summary>
internal sealed class GeminiStreamState
{
    private readonly string _model;
    private int _toolCalls;

    /// <summary>Gets whether a candidate's finish reason arrived (a stream that ends before it was cut off).</summary>
    public bool Finished { get; private set; }

    public GeminiStreamState(string model)
    {
        _model = model;
    }

    /// <summary>Reads one event; <see langword="null"/> when it carries nothing.</summary>
    public ChatStreamUpdate? Read(GeminiGenerateContentResponse chunk)
    {
        var candidate = chunk.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
        var first = _toolCalls;
        var (text, reasoning, signature, calls) = GeminiMapper.ReadParts(candidate?.Content?.Parts, first);
        _toolCalls += calls.Count;
        var finish = string.IsNullOrEmpty(candidate?.FinishReason) ? null : GeminiMapper.FinishReason(candidate.FinishReason, _toolCalls > 0);
        Finished |= finish is not null;
        var usage = finish is not null || candidate is null ? GeminiMapper.ToUsage(chunk.UsageMetadata) : null;
        if (text.Length == 0 && reasoning.Length == 0 && signature is null && calls.Count == 0 && finish is null && usage is null)
        {
            return null;
        }

        return new ChatStreamUpdate
        {
            ContentDelta = text.Length > 0 ? text : null,
            ReasoningDelta = reasoning.Length > 0 ? reasoning : null,
            ReasoningSignature = signature,
            ToolCalls = calls.Count > 0
                ? calls.Select((c, i) => new ToolCallUpdate { Index = first + i, Id = c.Id, Name = c.Name, ArgumentsDelta = c.Arguments, Signature = c.Signature }).ToList()
                : null,
            FinishReason = finish,
            Usage = usage,
            ModelUsed = chunk.ModelVersion ?? _model,
            ResponseId = chunk.ResponseId,
        };
    }
}
