using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Plugins;

/// <summary>
/// The sample plugins (AssemblyScript Wasm, C Wasm, C native) through the gateway, driven by the official OpenAI SDK and
/// held to the same checks as the built-in providers (<see cref="OpenAiSdkTests"/>): chat with usage, a stream equal to
/// the answer, tool round trips streamed or not, parallel tool calls, embeddings, model listing, and errors with the
/// status the SDK expects.
/// </summary>
public sealed class PluginConformanceOverHttpTests(PluginGatewayFixture gateway) : IClassFixture<PluginGatewayFixture>
{
    private OpenAIClient Client() =>
        new(new ApiKeyCredential(PluginGatewayFixture.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });

    [Theory]
    [MemberData(nameof(PluginGatewayFixture.Samples), MemberType = typeof(PluginGatewayFixture))]
    public Task Chat_AnswersWithModelAndUsage(string sample) =>
        SdkConformance.ChatAnswersWithModelAndUsageAsync(Client(), sample, "sample-model");

    [Theory]
    [MemberData(nameof(PluginGatewayFixture.Samples), MemberType = typeof(PluginGatewayFixture))]
    public Task Stream_TextEqualsTheNonStreamedText_AndUsageArrives(string sample) =>
        SdkConformance.StreamEqualsTheAnswerAsync(Client(), sample);

    [Theory]
    [MemberData(nameof(StreamedOrNot))]
    public Task Tools_RoundTrip_StreamedOrNot(string sample, bool stream) =>
        SdkConformance.ToolRoundTripAsync(Client(), sample, stream);

    [Theory]
    [MemberData(nameof(PluginGatewayFixture.Samples), MemberType = typeof(PluginGatewayFixture))]
    public Task Tools_ParallelCalls_StreamAsTwoIndexedCalls(string sample) =>
        SdkConformance.ParallelToolCallsAsync(Client(), $"{sample}-parallel");

    [Theory]
    [MemberData(nameof(PluginGatewayFixture.Samples), MemberType = typeof(PluginGatewayFixture))]
    public async Task Embeddings_AreDecodedByTheSdk_ToTheProvidersVectors(string sample)
    {
        await SdkConformance.EmbeddingsAreTheProvidersVectorsAsync(Client(), sample);

        Assert.Equal("embed-fake", gateway.Upstream.Embeddings[^1].Model);
    }

    [Fact]
    public async Task Models_ListEveryPluginBackend()
    {
        var models = (await Client().GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToArray();

        Assert.All(PluginGatewayFixture.SampleNames, sample => Assert.Contains(sample, models));
        Assert.Contains("sample-model", models);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public Task Errors_HaveTheStatusTheSdkExpects_StreamedOrNot(string sample, string behaviour, int status) =>
        SdkConformance.ErrorHasTheStatusTheSdkExpectsAsync(Client(), $"{sample}-{behaviour}", status);

    public static TheoryData<string, bool> StreamedOrNot()
    {
        var data = new TheoryData<string, bool>();
        foreach (var sample in PluginGatewayFixture.SampleNames)
        {
            data.Add(sample, false);
            data.Add(sample, true);
        }

        return data;
    }

    public static TheoryData<string, string, int> ErrorCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var sample in PluginGatewayFixture.SampleNames)
        {
            data.Add(sample, "error-429", 429);
            data.Add(sample, "error-503", 502);
            data.Add(sample, "context-too-long", 400);
            data.Add(sample, "content-filtered", 400);
        }

        return data;
    }
}
