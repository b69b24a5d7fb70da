using System.Text.Json;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Mock;

public class MockBackendTests
{
    private static LlmTestHost Host(Action<LlmBackendConfig>? configure = null, TimeProvider? time = null) => LlmTestHost.Create(
        s =>
        {
            var mock = new LlmBackendConfig { Name = "Mock", Type = "Mock", ModelName = "mock" };
            configure?.Invoke(mock);
            s.Backends.Add(mock);
        },
        time);

    private static ChatRequest Ask(string text) => new() { Messages = { new ChatMessage { Content = text } } };

    [Fact]
    public async Task Chat_AnswersDeterministically_AndNamesItselfInTheModel()
    {
        using var host = Host();

        var answer = await host.Llm.ChatAsync(Ask("hello"));

        Assert.Equal("Mock answer from Mock (mock): you said \"hello\"", answer.Content);
        Assert.Equal("mock", answer.ModelUsed);
        Assert.Equal(FinishReasons.Stop, answer.FinishReason);
        Assert.Equal((1, 8), (answer.PromptTokens, answer.CompletionTokens));
    }

    [Fact]
    public async Task Stream_IsWordByWord_AndEqualsTheChatAnswer()
    {
        using var host = Host();
        var accumulator = new ChatStreamAccumulator();
        var count = 0;

        await foreach (var update in host.Llm.StreamChatAsync(Ask("hello")))
        {
            accumulator.Add(update);
            count++;
        }

        Assert.Equal((await host.Llm.ChatAsync(Ask("hello"))).Content, accumulator.Content);
        Assert.Equal(9, count);
    }

    [Fact]
    public async Task Tools_AreCalledThenTheResultsAnswered()
    {
        using var host = Host();
        var request = Ask("weather?");
        request.Tools = new() { new ToolDefinition { Name = "get_weather", Parameters = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement } };

        var call = await host.Llm.ChatAsync(request);
        request.Messages.Add(call.ToAssistantMessage());
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = call.ToolCalls![0].Id, Content = "sunny" });
        var final = await host.Llm.ChatAsync(request);

        Assert.Equal(("get_weather", """{"city":"mock"}"""), (call.ToolCalls[0].Name, call.ToolCalls[0].Arguments));
        Assert.Equal(FinishReasons.ToolCalls, call.FinishReason);
        Assert.Equal("Mock answer from Mock: the tools returned sunny", final.Content);
    }

    [Fact]
    public async Task Embeddings_AreDeterministicUnitVectors()
    {
        using var host = Host();

        var one = await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "a", "b" }, Dimensions = 4, Model = "mock" });
        var two = await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "a" }, Dimensions = 4, Model = "mock" });

        Assert.True(one.Success, one.Error?.Message);
        Assert.Equal(one.Embeddings[0], two.Embeddings[0]);
        Assert.NotEqual(one.Embeddings[0], one.Embeddings[1]);
        Assert.Equal(1.0, Math.Sqrt(one.Embeddings[0].Sum(v => v * v)), 5);
    }

    [Fact]
    public async Task FailureRate_FailsWithTheConfiguredStatus()
    {
        using var host = Host(m =>
        {
            m.ProviderOptions["FailureRate"] = "1";
            m.ProviderOptions["FailureStatus"] = "429";
        });

        var answer = await host.Llm.ChatAsync(Ask("x"));

        Assert.Equal(LlmErrorKind.RateLimited, answer.Error!.Kind);
        Assert.Contains("failed on purpose with HTTP 429", answer.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstTokenDelay_FollowsTheClock()
    {
        var time = new FakeTimeProvider();
        using var host = Host(m => m.ProviderOptions["FirstTokenDelayMs"] = "5000", time);

        var pending = host.Llm.ChatAsync(Ask("x"));
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.True((await pending).Success);
    }

    [Fact]
    public void BadProviderOptions_AreConfigurationProblems()
    {
        using var host = Host(m =>
        {
            m.ProviderOptions["FailureRate"] = "2";
            m.ProviderOptions["ChunkDelay"] = "5";
        });

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Contains("LlmSettings:Backends:0 (backend 'Mock'): ProviderOptions:FailureRate must be a number from 0 to 1 (found '2').", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("LlmSettings:Backends:0 (backend 'Mock'): ProviderOptions:ChunkDelay is not a Mock setting", StringComparison.Ordinal));
    }
}
