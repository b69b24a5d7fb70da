using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>
/// Decides what the fake provider answers, the same way for every wire format:
/// <list type="bullet">
/// <item>model <c>error-&lt;status&gt;</c>, <c>context-too-long</c>, <c>content-filtered</c>, <c>garbage-response</c> fail as named;
/// <c>echo-credentials</c> fails with a 502 whose message repeats the API key it was sent;</item>
/// <item>models named <c>story…</c> or <c>fault:…</c> answer <see cref="Story"/>, continuing after an assistant prefill;</item>
/// <item>a conversation ending in tool results is answered "The tool said: &lt;results&gt;";</item>
/// <item>offered tools are called: the first tool with its first parameter set to "Paris" (a model whose name contains
/// "parallel" calls two tools at once, the second with "London");</item>
/// <item>structured output (a JSON schema or JSON object asked for) is answered with a JSON object that matches the
/// schema (<see cref="FakeStructuredOutput"/>);</item>
/// <item>otherwise "Echo from &lt;model&gt;: &lt;last user text&gt;", with "(system: …)" when there is a system prompt and
/// " [n image(s)]" when images came with it; cut to MaxTokens words with finish reason "length".</item>
/// </list>
/// Usage counts words. Embeddings are deterministic unit vectors derived from each text.
/// </summary>
public static class FakeBrain
{
    /// <summary>The answer of <c>story…</c> and <c>fault:…</c> models: 60 words, <c>word01 word02 … word60</c>, one per stream event.</summary>
    public static readonly string Story = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"word{i:00}"));

    private static readonly string[] Cities = { "Paris", "London", "Tokyo" };

    /// <summary>Decides the outcome of a chat request.</summary>
    /// <param name="conversation">The normalized request.</param>
    /// <param name="options">The server's options.</param>
    /// <param name="sequence">A number unique to the request, for ids.</param>
    /// <returns>The answer, or the failure to send.</returns>
    public static (FakeAnswer? Answer, FakeFailure? Failure) Decide(FakeConversation conversation, FakeProviderOptions options, int sequence)
    {
        if (FailureFor(conversation.Model, options) is { } failure)
        {
            return (null, failure);
        }

        var answer = new FakeAnswer { Id = $"fake-{sequence}", Model = conversation.Model };
        var trailingResults = conversation.Messages.AsEnumerable().Reverse().TakeWhile(m => m.Role == "tool").Reverse().ToList();
        if (trailingResults.Count > 0)
        {
            answer.Text = "The tool said: " + string.Join("; ", trailingResults.Select(r => r.Text));
        }
        else if (conversation.Tools.Count > 0 && !conversation.ToolsForbidden)
        {
            var count = conversation.Model.Contains("parallel", StringComparison.OrdinalIgnoreCase) ? 2 : 1;
            for (var i = 0; i < count; i++)
            {
                var tool = conversation.Tools[Math.Min(i, conversation.Tools.Count - 1)];
                answer.ToolCalls.Add(new FakeToolCall($"call_{sequence}_{i + 1}", tool.Name, ArgumentsFor(tool, Cities[i])));
            }

            answer.FinishReason = "tool_calls";
        }
        else if (conversation.OutputSchema is { } schema)
        {
            answer.Text = FakeStructuredOutput.For(schema).ToJsonString();
        }
        else if (conversation.Model.StartsWith("story", StringComparison.Ordinal) || conversation.Model.StartsWith(Faults.FakeFault.ModelPrefix, StringComparison.Ordinal))
        {
            answer.Text = Continue(Story, conversation);
        }
        else
        {
            var lastUser = conversation.Messages.LastOrDefault(m => m.Role == "user");
            var text = new StringBuilder("Echo from ").Append(conversation.Model);
            if (!string.IsNullOrEmpty(conversation.System))
            {
                text.Append(" (system: ").Append(conversation.System).Append(')');
            }

            text.Append(": ").Append(lastUser?.Text ?? string.Empty);
            if (lastUser is { Images.Count: > 0 })
            {
                text.Append(" [").Append(lastUser.Images.Count).Append(lastUser.Images.Count == 1 ? " image: " : " images: ").Append(string.Join(", ", lastUser.Images)).Append(']');
            }

            answer.Text = text.ToString();
            if (conversation.MaxTokens is { } max && Words(answer.Text) > max)
            {
                answer.Text = string.Join(' ', answer.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(max));
                answer.FinishReason = "length";
            }
        }

        if (conversation.Model.Contains("reasoning", StringComparison.OrdinalIgnoreCase))
        {
            answer.Reasoning = "Let me think about " + (conversation.Messages.LastOrDefault()?.Text ?? "this") + ".";
            answer.ReasoningTokens = Words(answer.Reasoning);
        }

        answer.TextChunks = Chunk(answer.Text);
        answer.PromptTokens = Words(conversation.System) + conversation.Messages.Sum(m => Words(m.Text) + m.ToolCalls.Count);
        answer.CompletionTokens = Math.Max(1, Words(answer.Text) + answer.ToolCalls.Count + answer.ReasoningTokens);
        answer.CachedTokens = conversation.Model.Contains("cached", StringComparison.OrdinalIgnoreCase) ? answer.PromptTokens / 2 : 0;
        return (answer, null);
    }

    /// <summary>Gets the failure a model name asks for, or an unknown-model failure when the server rejects unknown models.</summary>
    public static FakeFailure? FailureFor(string model, FakeProviderOptions options)
    {
        switch (model)
        {
            case "context-too-long":
                return new FakeFailure(FakeFailureKind.ContextLengthExceeded, 400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.");
            case "content-filtered":
                return new FakeFailure(FakeFailureKind.ContentFiltered, 400, "The request was refused by the content policy.");
            case "garbage-response":
                return new FakeFailure(FakeFailureKind.GarbageBody, 200, "<html>502 Bad Gateway</html>");
            case "echo-credentials":
                // A careless provider: its error repeats the key it was sent, and another key-shaped string.
                return new FakeFailure(FakeFailureKind.ServerError, 502, $"Upstream authentication proxy failed for key {options.RequiredApiKey ?? "(none)"}; the fallback key sk-proj-AbCdEf0123456789GhIjKlMnOpQr was also refused.");
        }

        if (model.StartsWith("error-", StringComparison.Ordinal) && int.TryParse(model.AsSpan(6), out var status))
        {
            var kind = status switch
            {
                401 => FakeFailureKind.Unauthorized,
                404 => FakeFailureKind.ModelNotFound,
                429 => FakeFailureKind.RateLimited,
                >= 500 => FakeFailureKind.ServerError,
                _ => FakeFailureKind.BadRequest,
            };
            return new FakeFailure(kind, status, $"Injected error {status} for model {model}.", status == 429 ? 2 : null);
        }

        return options.RejectUnknownModels && !options.Models.Contains(model)
            ? new FakeFailure(FakeFailureKind.ModelNotFound, 404, $"The model `{model}` does not exist or you do not have access to it.")
            : null;
    }

    /// <summary>
    /// Answers a conversation that ends with an assistant prefill the way prefill-capable models do: with the rest of the
    /// answer after the prefill (when the prefill is the answer's beginning).
    /// </summary>
    private static string Continue(string answer, FakeConversation conversation)
    {
        var prefill = conversation.Messages.LastOrDefault() is { Role: "assistant" } last ? last.Text.TrimEnd() : string.Empty;
        return prefill.Length > 0 && answer.StartsWith(prefill, StringComparison.Ordinal) ? answer[prefill.Length..] : answer;
    }

    /// <summary>Makes a deterministic unit vector for a text: the same text always gives the same vector.</summary>
    public static float[] Embed(string text, int dimensions)
    {
        var vector = new float[dimensions];
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (seed[i % seed.Length] - 127.5f) / 127.5f + (i / seed.Length * 0.01f);
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    /// <summary>Counts words, which is what the fake provider calls tokens.</summary>
    public static int Words(string? text) => string.IsNullOrWhiteSpace(text) ? 0 : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static IReadOnlyList<string> Chunk(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                chunks.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            chunks.Add(text[start..]);
        }

        return chunks;
    }

    private static string ArgumentsFor(FakeTool tool, string city)
    {
        var first = (tool.Parameters?["properties"] as JsonObject)?.FirstOrDefault().Key;
        return first is null ? "{}" : new JsonObject { [first] = city }.ToJsonString();
    }
}
