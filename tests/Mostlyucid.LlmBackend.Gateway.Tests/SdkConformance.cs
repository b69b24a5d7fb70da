using System.ClientModel;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using OpenAI;
using OpenAI.Chat;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>
/// What the official OpenAI SDK must see from the gateway for any backend, built-in or plugin, against the fake provider:
/// one body per check, driven by <see cref="OpenAiSdkTests"/> and <c>PluginConformanceOverHttpTests</c> with their own
/// backends.
/// </summary>
internal static class SdkConformance
{
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    /// <summary>A chat with a system prompt is answered with the model and the usage the provider reported.</summary>
    public static async Task ChatAnswersWithModelAndUsageAsync(OpenAIClient client, string model, string expectedModel)
    {
        ChatCompletion completion = await client.GetChatClient(model).CompleteChatAsync(new SystemChatMessage("Be brief."), new UserChatMessage("Hello gateway"));

        Assert.Equal($"Echo from {expectedModel} (system: Be brief.): Hello gateway", completion.Content[0].Text);
        Assert.Equal(expectedModel, completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(4, completion.Usage.InputTokenCount);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    /// <summary>A streamed answer, put together, is the non-streamed answer; it finishes and carries usage.</summary>
    public static async Task StreamEqualsTheAnswerAsync(OpenAIClient client, string model)
    {
        var chat = client.GetChatClient(model);
        var whole = (await chat.CompleteChatAsync(new UserChatMessage("stream a few words please"))).Value.Content[0].Text;

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(new UserChatMessage("stream a few words please")))
        {
            updates++;
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.True(updates > 3, $"{updates} updates");
        Assert.Equal(whole, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.InputTokenCount);
    }

    /// <summary>A tool call (streamed deltas reassembled, or whole), its result sent back, and the final answer.</summary>
    public static async Task ToolRoundTripAsync(OpenAIClient client, string model, bool stream)
    {
        var chat = client.GetChatClient(model);
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather", BinaryData.FromString(WeatherSchema)) } };
        var messages = new List<ChatMessage> { new UserChatMessage("Weather in Paris?") };

        var (id, name, arguments) = stream ? await StreamedCallAsync(chat, messages, options) : await CallAsync(chat, messages, options);

        Assert.Equal("get_weather", name);
        Assert.Equal("Paris", JsonDocument.Parse(arguments).RootElement.GetProperty("city").GetString());
        messages.Add(new AssistantChatMessage(new[] { ChatToolCall.CreateFunctionToolCall(id, name, BinaryData.FromString(arguments)) }));
        messages.Add(new ToolChatMessage(id, "sunny, 21C"));
        ChatCompletion final = await chat.CompleteChatAsync(messages, options);
        Assert.Equal("The tool said: sunny, 21C", final.Content[0].Text);
    }

    /// <summary>Two tool calls at once stream as two indexed calls with their own ids.</summary>
    public static async Task ParallelToolCallsAsync(OpenAIClient client, string model)
    {
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString(WeatherSchema)),
                ChatTool.CreateFunctionTool("get_time", "Time", BinaryData.FromString("""{"type":"object","properties":{"zone":{"type":"string"}}}""")),
            },
        };
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        await foreach (var update in client.GetChatClient(model).CompleteChatStreamingAsync(new ChatMessage[] { new UserChatMessage("both please") }, options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                var current = calls.GetValueOrDefault(call.Index, (null, null, new StringBuilder()));
                current.Args.Append(call.FunctionArgumentsUpdate?.ToString());
                calls[call.Index] = (call.ToolCallId ?? current.Id, call.FunctionName ?? current.Name, current.Args);
            }
        }

        Assert.Equal(new[] { "get_weather", "get_time" }, calls.Values.Select(c => c.Name));
        Assert.Equal("London", JsonDocument.Parse(calls[1].Args.ToString()).RootElement.GetProperty("zone").GetString());
        Assert.NotEqual(calls[0].Id, calls[1].Id);
    }

    /// <summary>Embeddings decode to the provider's vectors, in input order.</summary>
    /// <returns>The model the answer names.</returns>
    public static async Task<string> EmbeddingsAreTheProvidersVectorsAsync(OpenAIClient client, string model)
    {
        var result = await client.GetEmbeddingClient(model).GenerateEmbeddingsAsync(new[] { "alpha", "beta gamma" });

        Assert.Equal(2, result.Value.Count);
        var dimensions = result.Value[0].ToFloats().Length;
        Assert.True(dimensions > 0, "the vectors are empty");
        Assert.Equal(FakeBrain.Embed("alpha", dimensions), result.Value[0].ToFloats().ToArray());
        Assert.Equal(FakeBrain.Embed("beta gamma", dimensions), result.Value[1].ToFloats().ToArray());
        return result.Value.Model;
    }

    /// <summary>A failure reaches the SDK with the status it expects, streamed or not (429 with its Retry-After).</summary>
    public static async Task ErrorHasTheStatusTheSdkExpectsAsync(OpenAIClient client, string model, int status)
    {
        var chat = client.GetChatClient(model);

        var plain = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync(new UserChatMessage("hi")));
        var streamed = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var unused in chat.CompleteChatStreamingAsync(new UserChatMessage("hi")))
            {
            }
        });

        Assert.Equal(status, plain.Status);
        Assert.Equal(status, streamed.Status);
        if (status == 429)
        {
            Assert.Equal("2", plain.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter) ? retryAfter : null);
        }
    }

    private static async Task<(string Id, string Name, string Arguments)> CallAsync(ChatClient chat, List<ChatMessage> messages, ChatCompletionOptions options)
    {
        ChatCompletion completion = await chat.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        return (call.Id, call.FunctionName, call.FunctionArguments.ToString());
    }

    private static async Task<(string Id, string Name, string Arguments)> StreamedCallAsync(ChatClient chat, List<ChatMessage> messages, ChatCompletionOptions options)
    {
        string? id = null;
        string? name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options))
        {
            finish = update.FinishReason ?? finish;
            foreach (var call in update.ToolCallUpdates)
            {
                Assert.Equal(0, call.Index);
                id ??= call.ToolCallId;
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        return (id!, name!, arguments.ToString());
    }
}
