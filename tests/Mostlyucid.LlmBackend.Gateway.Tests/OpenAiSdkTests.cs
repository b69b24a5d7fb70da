using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>The gateway driven by the official OpenAI .NET SDK, in front of built-in OpenAI- and Anthropic-format backends.</summary>
[Collection(nameof(GatewayCollection))]
public sealed class OpenAiSdkTests(GatewayFixture gateway)
{
    private OpenAIClient Client(string key = GatewayFixture.Key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public Task Chat_AnswersWithModelAndUsage_FromAnOpenAiOrAnAnthropicBackend(string model) =>
        SdkConformance.ChatAnswersWithModelAndUsageAsync(Client(), model, model);

    [Theory]
    [InlineData("gpt-fake")]
    [InlineData("claude-fake")]
    public Task Stream_TextEqualsTheNonStreamedText_AndUsageArrives(string model) =>
        SdkConformance.StreamEqualsTheAnswerAsync(Client(), model);

    [Theory]
    [InlineData("gpt-fake", false)]
    [InlineData("gpt-fake", true)]
    [InlineData("claude-fake", false)]
    [InlineData("claude-fake", true)]
    public Task Tools_RoundTrip_StreamedDeltasReassemble(string model, bool stream) =>
        SdkConformance.ToolRoundTripAsync(Client(), model, stream);

    [Fact]
    public Task Tools_ParallelCalls_StreamAsTwoIndexedCalls() =>
        SdkConformance.ParallelToolCallsAsync(Client(), "parallel-gpt");

    [Fact]
    public async Task Embeddings_AreDecodedByTheSdk_ToTheProvidersVectors() =>
        Assert.Equal("embed-fake", await SdkConformance.EmbeddingsAreTheProvidersVectorsAsync(Client(), "embed-fake"));

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
    public Task Errors_HaveTheStatusTheSdkExpects_StreamedOrNot(string model, string key, int status) =>
        SdkConformance.ErrorHasTheStatusTheSdkExpectsAsync(Client(key), model, status);
}
