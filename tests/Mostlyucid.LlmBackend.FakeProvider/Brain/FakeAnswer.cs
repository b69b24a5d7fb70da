namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>An answer to render in the request's wire format, with the pieces a stream sends.</summary>
public sealed class FakeAnswer
{
    /// <summary>Gets or sets the id of the response.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the model that answered.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Gets or sets the text.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets the text in the pieces a stream sends (concatenated they are <see cref="Text"/>).</summary>
    public IReadOnlyList<string> TextChunks { get; set; } = Array.Empty<string>();

    /// <summary>Gets or sets visible reasoning, for models whose name contains "reasoning".</summary>
    public string? Reasoning { get; set; }

    /// <summary>Gets the tool calls.</summary>
    public List<FakeToolCall> ToolCalls { get; } = new();

    /// <summary>Gets or sets <c>stop</c>, <c>length</c> or <c>tool_calls</c> (formats map it to their own words).</summary>
    public string FinishReason { get; set; } = "stop";

    /// <summary>Gets or sets the prompt tokens.</summary>
    public int PromptTokens { get; set; }

    /// <summary>Gets or sets the completion tokens.</summary>
    public int CompletionTokens { get; set; }

    /// <summary>Gets or sets the prompt tokens served from cache (models whose name contains "cached").</summary>
    public int CachedTokens { get; set; }

    /// <summary>Gets or sets the reasoning tokens.</summary>
    public int ReasoningTokens { get; set; }

    /// <summary>Splits a tool call's arguments in two, as streams send them.</summary>
    public static IReadOnlyList<string> SplitArguments(string arguments) =>
        arguments.Length < 2 ? new[] { arguments } : new[] { arguments[..(arguments.Length / 2)], arguments[(arguments.Length / 2)..] };
}
