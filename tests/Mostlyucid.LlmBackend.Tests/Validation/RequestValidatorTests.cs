using System.Text.Json;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Validation;

namespace Mostlyucid.LlmBackend.Tests.Validation;

public sealed class RequestValidatorTests
{
    private static ChatRequest Chat(Action<ChatRequest>? change = null)
    {
        var request = new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } };
        change?.Invoke(request);
        return request;
    }

    public static TheoryData<string, string> ChatProblems => new()
    {
        { "temperature-infinite", "temperature" },
        { "temperature-nan", "temperature" },
        { "temperature-high", "temperature" },
        { "top-p", "top_p" },
        { "top-k", "top_k" },
        { "max-tokens", "max_tokens" },
        { "frequency", "frequency_penalty" },
        { "presence", "presence_penalty" },
        { "no-messages", "messages" },
        { "null-message", "messages[1]" },
        { "lone-surrogate", "messages[0].content" },
        { "null-part", "messages[0].content[0]" },
        { "bad-data-url", "messages[0].content[0].image_url.url" },
        { "null-stop", "stop[0]" },
        { "tool-without-name", "tools[0]" },
        { "tool-schema", "tools[0].function.parameters" },
        { "thinking", "thinking.budget_tokens" },
        { "top-logprobs", "top_logprobs" },
        { "logit-bias", "logit_bias.42" },
    };

    [Theory]
    [MemberData(nameof(ChatProblems))]
    public void Chat_InvalidParameter_IsAnInvalidRequestNamingIt(string problem, string parameter)
    {
        var request = Chat(r =>
        {
            switch (problem)
            {
                case "temperature-infinite": r.Temperature = double.PositiveInfinity; break;
                case "temperature-nan": r.Temperature = double.NaN; break;
                case "temperature-high": r.Temperature = 2.5; break;
                case "top-p": r.TopP = -0.1; break;
                case "top-k": r.TopK = -1; break;
                case "max-tokens": r.MaxTokens = 0; break;
                case "frequency": r.FrequencyPenalty = 2.01; break;
                case "presence": r.PresencePenalty = -7; break;
                case "no-messages": r.Messages.Clear(); break;
                case "null-message": r.Messages.Add(null!); break;
                case "lone-surrogate": r.Messages[0].Content = "ab\ud800"; break;
                case "null-part": r.Messages[0].Parts = new List<ContentPart> { null! }; break;
                case "bad-data-url": r.Messages[0].Parts = new List<ContentPart> { ContentPart.FromImageUrl("data:image/png;base64,***") }; break;
                case "null-stop": r.Stop = new List<string> { null! }; break;
                case "tool-without-name": r.Tools = new List<ToolDefinition> { new() { Name = " " } }; break;
                case "tool-schema": r.Tools = new List<ToolDefinition> { new() { Name = "f", Parameters = JsonSerializer.SerializeToElement(3) } }; break;
                case "thinking": r.ThinkingBudgetTokens = 0; break;
                case "top-logprobs": r.AdditionalProperties = new() { ["top_logprobs"] = JsonSerializer.SerializeToElement(21) }; break;
                case "logit-bias": r.AdditionalProperties = new() { ["logit_bias"] = JsonDocument.Parse("""{"42": -101}""").RootElement }; break;
            }
        });

        var error = RequestValidator.Validate(request);

        Assert.NotNull(error);
        Assert.Equal(LlmErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(parameter, error.Parameter);
        Assert.Contains(parameter.Split('[', '.')[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat_AtTheEdgesOfEveryRange_IsAccepted()
    {
        var request = Chat(r =>
        {
            r.Temperature = 2;
            r.TopP = 0;
            r.TopK = 0;
            r.MaxTokens = 1;
            r.FrequencyPenalty = -2;
            r.PresencePenalty = 2;
            r.Messages[0].Content = "emoji \ud83d\ude00 pairs are fine";
            r.Messages[0].Parts = new List<ContentPart> { ContentPart.FromImageUrl("data:image/png;base64,iVBORw0KGgo="), ContentPart.FromImageUrl("https://example.com/a.png") };
            r.Tools = new List<ToolDefinition> { new() { Name = "f", Parameters = JsonDocument.Parse("""{"type":"object"}""").RootElement } };
            r.AdditionalProperties = new() { ["top_logprobs"] = JsonSerializer.SerializeToElement(20), ["store"] = JsonSerializer.SerializeToElement(true) };
        });

        Assert.Null(RequestValidator.Validate(request));
    }

    [Fact]
    public void Embedding_AndCompletion_AreChecked()
    {
        Assert.Equal("dimensions", RequestValidator.Validate(new EmbeddingRequest { Inputs = { "a" }, Dimensions = -3 })!.Parameter);
        Assert.Equal("input", RequestValidator.Validate(new EmbeddingRequest())!.Parameter);
        Assert.Equal("input[1]", RequestValidator.Validate(new EmbeddingRequest { Inputs = { "a", null! } })!.Parameter);
        Assert.Equal("temperature", RequestValidator.Validate(new LlmRequest { Prompt = "x", Temperature = double.NegativeInfinity })!.Parameter);
        Assert.Null(RequestValidator.Validate(new LlmRequest { Prompt = "x", Temperature = 0.3 }));
    }

    [Fact]
    public async Task Service_RefusesAnInvalidRequest_WithoutCallingAnyBackend()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(LlmTestHost.TestBackend("only")));
        host.Llm.GetBackends();

        var answer = await host.Llm.ChatAsync(Chat(r => r.Temperature = double.PositiveInfinity));
        var streamed = await Assert.ThrowsAsync<LlmBackendException>(async () =>
        {
            await foreach (var _ in host.Llm.StreamChatAsync(Chat(r => r.MaxTokens = -5)))
            {
            }
        });

        Assert.False(answer.Success);
        Assert.Equal("temperature", answer.Error!.Parameter);
        Assert.Equal("max_tokens", streamed.Error.Parameter);
        Assert.Equal(0, host.Plugin.Backends["only"].Calls);
    }

    [Fact]
    public async Task Service_AnExceptionFromABackend_IsInternal_AndNeverCountsAgainstIt()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(LlmTestHost.TestBackend("buggy", 1));
            s.Backends.Add(LlmTestHost.TestBackend("fine", 2));
            s.Resilience.CircuitBreaker.MinimumThroughput = 2;
            s.Resilience.CircuitBreaker.FailureRatio = 0.5;
            s.Resilience.CircuitBreaker.ConsecutiveFailures = 2;
        });
        host.Llm.GetBackends();
        host.Plugin.Backends["buggy"].Handler = (_, _) => throw new InvalidOperationException("an internal detail");

        for (var i = 0; i < 8; i++)
        {
            var answer = await host.Llm.ChatAsync(Chat());
            Assert.True(answer.Success);
            Assert.Equal("fine", answer.BackendUsed);
            Assert.Equal(LlmErrorKind.Internal, answer.Attempts[0].Error!.Kind);
            Assert.DoesNotContain("an internal detail", answer.Attempts[0].Error!.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("InvalidOperationException", answer.Attempts[0].Error!.Message, StringComparison.Ordinal);
        }

        var buggy = host.Llm.GetStatistics().Backends.Single(b => b.BackendName == "buggy");
        Assert.Equal(0, buggy.FailedRequests);
        Assert.True(buggy.IsHealthy);
        Assert.Equal(8, host.Plugin.Backends["buggy"].Calls);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == BackendExceptionErrors.InternalFailureEventId && e.Exception is InvalidOperationException);
    }
}
