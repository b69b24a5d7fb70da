using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using OpenAI;
using OpenAI.Chat;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>The gateway driven by the official OpenAI .NET SDK.</summary>
[Collection(nameof(GatewayCollection))]
public sealed class OpenAiSdkTests(GatewayFixture gateway)
{
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private OpenAIClient Client(string key = GatewayFixture.Key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task Chat_AnswersWithModelAndUsage_FromAnOpenAiOrAnAnthropicBackend(string model)
    {
        ChatCompletion completion = await Client().GetChatClient(model).CompleteChatAsync(new SystemChatMessage("Be brief."), new UserChatMessage("Hello gateway"));

        Assert.Equal($"Echo from {model} (system: Be brief.): Hello gateway", completion.Content[0].Text);
        Assert.Equal(model, completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(4, completion.Usage.InputTokenCount);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public async Task Stream_TextEqualsTheNonStreamedText_AndUsageArrives(string model)
    {
        var chat = Client().GetChatClient(model);
        var whole = (await chat.CompleteChatAsync(new UserChatMessage("stream a few words please"))).Value.Content[0].Text;

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(new UserChatMessage("stream a few words please")))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.True(updates > 3);
        Assert.Equal(whole, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.InputTokenCount);
    }

    [Theory]
    [InlineData("gpt-fake", false)]
    [InlineData("gpt-fake", true)]
    [InlineData("claude-fake", false)]
    [InlineData("claude-fake", true)]
    public async Task Tools_RoundTrip_StreamedDeltasReassemble(string model, bool stream)
    {
        var chat = Client().GetChatClient(model);
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

    [Fact]
    public async Task Tools_ParallelCalls_StreamAsTwoIndexedCalls()
    {
        var chat = Client().GetChatClient("parallel-gpt");
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString(WeatherSchema)),
                ChatTool.CreateFunctionTool("get_time", "Time", BinaryData.FromString("""{"type":"object","properties":{"zone":{"type":"string"}}}""")),
            },
        };
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        await foreach (var update in chat.CompleteChatStreamingAsync(new ChatMessage[] { new UserChatMessage("both please") }, options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                var current = calls.GetValueOrDefault(call.Index, (null, null, new StringBuilder()));
                current.Args.Append(call.FunctionArgumentsUpdate?.ToString());
                calls[call.Index] = (call.ToolCallId ?? current.Id, call.FunctionName ?? current.Name, current.Args);
            }
        }

        Assert.Equal(new[] { "get_weather", "get_time" }, calls.Values.Select(c => c.Name));
        Assert.Equal("""{"zone":"London"}""", calls[1].Args.ToString());
        Assert.NotEqual(calls[0].Id, calls[1].Id);
    }

    [Fact]
    public async Task Embeddings_AreDecodedByTheSdk_ToTheProvidersVectors()
    {
        var result = await Client().GetEmbeddingClient("embed-fake").GenerateEmbeddingsAsync(new[] { "alpha", "beta gamma" });

        Assert.Equal(2, result.Value.Count);
        Assert.Equal(FakeBrain.Embed("alpha", 8), result.Value[0].ToFloats().ToArray());
        Assert.Equal(FakeBrain.Embed("beta gamma", 8), result.Value[1].ToFloats().ToArray());
        Assert.Equal("embed-fake", result.Value.Model);
    }

    [Fact]
    public async Task Models_ListRoutesBackendsAndModels()
    {
        var models = (await Client().GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToArray();

        Assert.Contains("smart", models);
        Assert.Contains("gpt-fake", models);
        Assert.Contains("claude-fake", models);
        Assert.Contains("openai-upstream", models);
    }

    [Fact]
    public async Task Route_FailsOverFromTheBrokenBackend()
    {
        ChatCompletion completion = await Client().GetChatClient("smart").CompleteChatAsync(new UserChatMessage("still there?"));

        Assert.Equal("Echo from gpt-fake: still there?", completion.Content[0].Text);
    }

    [Theory]
    [InlineData("no-such-model", GatewayFixture.Key, 404)]
    [InlineData("error-429", GatewayFixture.Key, 429)]
    [InlineData("context-too-long", GatewayFixture.Key, 400)]
    [InlineData("content-filtered", GatewayFixture.Key, 400)]
    [InlineData("error-503", GatewayFixture.Key, 502)]
    [InlineData("gpt-fake", "wrong-key-0123456789", 401)]
    [InlineData("claude-fake", GatewayFixture.LimitedKey, 403)]
    public async Task Errors_HaveTheStatusTheSdkExpects_StreamedOrNot(string model, string key, int status)
    {
        var chat = Client(key).GetChatClient(model);

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
