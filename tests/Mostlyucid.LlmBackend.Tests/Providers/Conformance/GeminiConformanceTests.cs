using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider.Formats;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>
/// The conformance suite for <c>Type: Gemini</c> (generateContent, SSE streams, function calls with ids, inline and file
/// images, batchEmbedContents, the key in <c>x-goog-api-key</c>).
/// </summary>
public sealed class GeminiConformanceTests : ProviderConformanceTests
{
    protected override string Format => "gemini";

    protected override LlmBackendConfig Backend(string model, string apiKey) =>
        new() { Type = "Gemini", BaseUrl = Server.BaseUrl, ApiKey = apiKey, ModelName = model };

    [Fact]
    public async Task ApiKey_TravelsInTheHeader_NeverInTheUrl()
    {
        using var host = LlmTestHost.Create(s =>
        {
            var backend = Backend(Model, Key);
            backend.Name = "under-test";
            backend.EmbeddingModelName = "embed-model";
            s.Backends.Add(backend);
        });

        Assert.True((await host.Llm.ChatAsync(Ask(User("hi")))).Success);
        await foreach (var unused in host.Llm.StreamChatAsync(Ask(User("hi"))))
        {
        }

        Assert.True((await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "a" } })).Success);
        Assert.Empty((await host.Llm.ListModelsAsync()).Errors);

        Assert.Equal(4, Server.Requests.Count);
        Assert.All(Server.Requests, r =>
        {
            Assert.False(GeminiFakeFormat.CarriesKeyInQuery(r), r.Path);
            Assert.Equal(Key, r.Headers["x-goog-api-key"]);
            Assert.False(r.Headers.ContainsKey("Authorization"));
        });
        Assert.Contains(Server.Requests, r => r.Path == $"/v1beta/models/{Model}:streamGenerateContent?alt=sse");
    }

    [Fact]
    public async Task ModelName_WithTheModelsPrefix_IsAcceptedToo()
    {
        using var host = Host("models/" + Model);

        var answer = await host.Llm.ChatAsync(Ask(User("Hello there")));

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal($"Echo from {Model}: Hello there", answer.Content);
        Assert.Equal($"/v1beta/models/{Model}:generateContent", Server.Requests[^1].Path);
    }

    [Fact]
    public async Task ApiVersionV1_ChatAndModelList_UseTheV1Paths()
    {
        using var host = LlmTestHost.Create(s =>
        {
            var backend = Backend(Model, Key);
            backend.Name = "under-test";
            backend.ApiVersion = "v1";
            s.Backends.Add(backend);
        });

        var answer = await host.Llm.ChatAsync(Ask(User("Hello there")));
        var models = await host.Llm.ListModelsAsync();

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal(new[] { Model, "other-model" }, models.Models.Select(m => m.Id));
        Assert.Equal(new[] { $"/v1/models/{Model}:generateContent", "/v1/models" }, Server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Reasoning_ThoughtPartsBecomeReasoning_AndThoughtTokensCountAsCompletion()
    {
        using var host = Host("reasoning-" + Model);
        var request = Ask(User("why?"));
        request.ThinkingBudgetTokens = 512;

        var answer = await host.Llm.ChatAsync(request);

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal("Let me think about why?.", answer.Reasoning);
        Assert.Equal($"Echo from reasoning-{Model}: why?", answer.Content);
        Assert.Equal(FakeBrain.Words(answer.Reasoning), answer.ReasoningTokens);
        Assert.Equal(answer.PromptTokens + answer.CompletionTokens, answer.TotalTokens);
        Assert.Equal(512, LastConversation.Body?["generationConfig"]?["thinkingConfig"]?["thinkingBudget"]?.GetValue<int>());
        Assert.True(LastConversation.Body?["generationConfig"]?["thinkingConfig"]?["includeThoughts"]?.GetValue<bool>());

        var accumulator = new ChatStreamAccumulator();
        await foreach (var update in host.Llm.StreamChatAsync(request))
        {
            accumulator.Add(update);
        }

        var streamed = accumulator.ToResponse();
        Assert.Equal(answer.Reasoning, streamed.Reasoning);
        Assert.Equal(answer.Content, streamed.Content);
        Assert.Equal(answer.ReasoningTokens, streamed.ReasoningTokens);
    }

    [Fact]
    public async Task ToolChoiceNone_IsSentAsModeNone_AndTheModelAnswersInText()
    {
        using var host = Host();
        var request = Ask(User("What is the weather in Paris?"));
        request.Tools = WeatherTools();
        request.ToolChoice = ToolChoice.None;

        var answer = await host.Llm.ChatAsync(request);

        Assert.True(LastConversation.ToolsForbidden);
        Assert.Null(answer.ToolCalls);
        Assert.Equal(FinishReasons.Stop, answer.FinishReason);
    }
}
