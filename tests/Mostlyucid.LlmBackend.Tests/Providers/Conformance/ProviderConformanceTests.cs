using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Conformance;

/// <summary>
/// What every provider must do, run once per provider against the fake provider speaking that provider's wire format:
/// chat, multi-turn, system prompts, streaming equal to non-streaming, tool round trips (streamed and not, parallel),
/// images, embeddings, model listing, usage, and errors mapped to typed errors before any stream starts.
/// </summary>
public abstract class ProviderConformanceTests : IAsyncLifetime
{
    protected const string Key = "conformance-key";
    protected const string Model = "conformance-model";

    private static readonly JsonElement WeatherSchema = JsonDocument.Parse("""
        { "type": "object", "properties": { "city": { "type": "string", "description": "City name" } }, "required": [ "city" ] }
        """).RootElement.Clone();

    private static readonly JsonElement TimeSchema = JsonDocument.Parse("""
        { "type": "object", "properties": { "zone": { "type": "string" } }, "required": [ "zone" ] }
        """).RootElement.Clone();

    protected FakeProviderServer Server { get; private set; } = null!;

    /// <summary>Gets the fake server's name for this provider's format (see <see cref="FakeConversation.Format"/>).</summary>
    protected abstract string Format { get; }

    /// <summary>Gets whether the provider takes images by http(s) URL (not only as bytes).</summary>
    protected virtual bool SupportsImageUrls => true;

    /// <summary>Gets whether the provider has an embeddings API.</summary>
    protected virtual bool SupportsEmbeddings => true;

    public async ValueTask InitializeAsync()
    {
        var options = new FakeProviderOptions { RequiredApiKey = Key, Models = { Model, "other-model" }, Format = Format };
        ConfigureServer(options);
        Server = await FakeProviderServer.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Adjusts the fake server to behave like this provider's real service.</summary>
    protected virtual void ConfigureServer(FakeProviderOptions options)
    {
    }

    /// <summary>Configures this provider's backend against <see cref="Server"/>.</summary>
    protected abstract LlmBackendConfig Backend(string model, string apiKey);

    /// <summary>Gets whether the provider lets a request choose the embeddings' dimensions.</summary>
    protected virtual bool SupportsEmbeddingDimensions => true;

    protected LlmTestHost Host(string model = Model, string apiKey = Key) => LlmTestHost.Create(
        s =>
        {
            var backend = Backend(model, apiKey);
            backend.Name = "under-test";
            s.Backends.Add(backend);
        },
        services: AddServices);

    /// <summary>Adds what this provider needs besides the library (for example a plugin runtime).</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    protected static ChatRequest Ask(params ChatMessage[] messages) => new() { Messages = messages.ToList() };

    protected static ChatMessage User(string text) => new() { Role = ChatRole.User, Content = text };

    protected static List<ToolDefinition> WeatherTools(bool withSecond = false)
    {
        var tools = new List<ToolDefinition> { new() { Name = "get_weather", Description = "Current weather in a city", Parameters = WeatherSchema } };
        if (withSecond)
        {
            tools.Add(new ToolDefinition { Name = "get_time", Description = "Current time in a zone", Parameters = TimeSchema });
        }

        return tools;
    }

    protected FakeConversation LastConversation => Assert.Single(Server.Conversations.TakeLast(1), c => c.Format == Format);

    [Fact]
    public async Task Chat_AnswersWithModelUsageAndFinishReason()
    {
        using var host = Host();

        var answer = await host.Llm.ChatAsync(Ask(User("Hello there")));

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal($"Echo from {Model}: Hello there", answer.Content);
        Assert.Equal(Model, answer.ModelUsed);
        Assert.Equal("under-test", answer.BackendUsed);
        Assert.Equal(FinishReasons.Stop, answer.FinishReason);
        Assert.Equal(2, answer.PromptTokens);
        Assert.Equal(FakeBrain.Words(answer.Content), answer.CompletionTokens);
        Assert.Equal(answer.PromptTokens + answer.CompletionTokens, answer.TotalTokens);
        Assert.Equal(Format, LastConversation.Format);
    }

    [Fact]
    public async Task Chat_MultiTurn_SendsEveryMessageInOrder()
    {
        using var host = Host();

        var answer = await host.Llm.ChatAsync(Ask(User("first question"), new ChatMessage { Role = ChatRole.Assistant, Content = "first answer" }, User("second question")));

        Assert.Equal($"Echo from {Model}: second question", answer.Content);
        Assert.Equal(
            new[] { ("user", "first question"), ("assistant", "first answer"), ("user", "second question") },
            LastConversation.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public async Task Chat_SystemPrompt_ReachesTheProvider()
    {
        using var host = Host();

        var answer = await host.Llm.ChatAsync(Ask(new ChatMessage { Role = ChatRole.System, Content = "Be brief." }, User("Hi")));

        Assert.Equal($"Echo from {Model} (system: Be brief.): Hi", answer.Content);
        Assert.Equal("Be brief.", LastConversation.System);
        Assert.DoesNotContain(LastConversation.Messages, m => m.Text == "Be brief.");
    }

    [Fact]
    public async Task Chat_MaxTokens_IsSentAndLengthIsReported()
    {
        using var host = Host();
        var request = Ask(User("one two three four five six seven"));
        request.MaxTokens = 3;

        var answer = await host.Llm.ChatAsync(request);

        Assert.Equal(3, LastConversation.MaxTokens);
        Assert.Equal("Echo from " + Model + ":", answer.Content);
        Assert.Equal(FinishReasons.Length, answer.FinishReason);
    }

    [Fact]
    public async Task Stream_TextEqualsTheNonStreamedText_WithUsageAndFinishReason()
    {
        using var host = Host();
        var whole = await host.Llm.ChatAsync(Ask(User("stream me a few words")));

        var accumulator = new ChatStreamAccumulator();
        var updates = 0;
        await foreach (var update in host.Llm.StreamChatAsync(Ask(User("stream me a few words"))))
        {
            accumulator.Add(update);
            updates++;
            Assert.Equal("under-test", update.BackendUsed);
        }

        var streamed = accumulator.ToResponse();
        Assert.True(updates > 3, $"expected several updates, got {updates}");
        Assert.True(LastConversation.Stream);
        Assert.Equal(whole.Content, streamed.Content);
        Assert.Equal(FinishReasons.Stop, streamed.FinishReason);
        Assert.Equal(whole.PromptTokens, streamed.PromptTokens);
        Assert.Equal(whole.CompletionTokens, streamed.CompletionTokens);
        Assert.Equal(Model, streamed.ModelUsed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_RoundTrip_CallThenResultThenAnswer(bool stream)
    {
        using var host = Host();
        var request = Ask(User("What is the weather in Paris?"));
        request.Tools = WeatherTools();

        var first = await ChatOrStreamAsync(host, request, stream);

        Assert.Equal(FinishReasons.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls!);
        Assert.Equal("get_weather", call.Name);
        Assert.False(string.IsNullOrEmpty(call.Id));
        Assert.Equal("Paris", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("city").GetString());
        var offered = Assert.Single(LastConversation.Tools);
        Assert.Equal("get_weather", offered.Name);
        Assert.Equal("Current weather in a city", offered.Description);
        Assert.Equal("string", offered.Parameters?["properties"]?["city"]?["type"]?.GetValue<string>());

        request.Messages.Add(first.ToAssistantMessage());
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = call.Id, Name = call.Name, Content = "sunny, 21C" });
        var final = await ChatOrStreamAsync(host, request, stream);

        Assert.Equal("The tool said: sunny, 21C", final.Content);
        Assert.Equal(FinishReasons.Stop, final.FinishReason);
        var history = LastConversation.Messages;
        Assert.Equal(new[] { "user", "assistant", "tool" }, history.Select(m => m.Role));
        Assert.Equal(call.Id, Assert.Single(history[1].ToolCalls).Id);
        Assert.Equal(call.Id, history[2].ToolCallId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_ParallelCalls_AreAllReturnedAndAnswered(bool stream)
    {
        using var host = Host("parallel-" + Model);
        var request = Ask(User("Weather and time please"));
        request.Tools = WeatherTools(withSecond: true);

        var first = await ChatOrStreamAsync(host, request, stream);

        Assert.Equal(2, first.ToolCalls!.Count);
        Assert.Equal(new[] { "get_weather", "get_time" }, first.ToolCalls.Select(c => c.Name));
        Assert.Equal("London", JsonDocument.Parse(first.ToolCalls[1].Arguments).RootElement.GetProperty("zone").GetString());
        Assert.NotEqual(first.ToolCalls[0].Id, first.ToolCalls[1].Id);

        request.Messages.Add(first.ToAssistantMessage());
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = first.ToolCalls[0].Id, Name = "get_weather", Content = "rain" });
        request.Messages.Add(new ChatMessage { Role = ChatRole.Tool, ToolCallId = first.ToolCalls[1].Id, Name = "get_time", Content = "noon" });
        var final = await ChatOrStreamAsync(host, request, stream);

        Assert.Equal("The tool said: rain; noon", final.Content);
    }

    [Fact]
    public async Task Vision_ImagesByUrlAndByBytes_ReachTheProvider()
    {
        using var host = Host();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5, 6 };
        var message = new ChatMessage
        {
            Role = ChatRole.User,
            Parts = SupportsImageUrls
                ? new List<ContentPart> { ContentPart.FromText("What is in these?"), ContentPart.FromImageUrl("https://example.com/cat.png"), ContentPart.FromImageBytes(png, "image/png") }
                : new List<ContentPart> { ContentPart.FromText("What is in these?"), ContentPart.FromImageBytes(png, "image/png") },
        };

        var answer = await host.Llm.ChatAsync(Ask(message));

        Assert.True(answer.Success, answer.ErrorMessage);
        var sent = Assert.Single(LastConversation.Messages);
        Assert.Equal("What is in these?", sent.Text);
        Assert.Equal(ExpectedImages(png.Length), sent.Images);
    }

    /// <summary>How the fake server describes the two images after this provider's format carried them.</summary>
    protected virtual IEnumerable<string> ExpectedImages(int pngLength) =>
        SupportsImageUrls ? new[] { "url:https://example.com/cat.png", $"bytes:image/png:{pngLength}" } : new[] { $"bytes:image/png:{pngLength}" };

    [Fact]
    public async Task Embeddings_OneVectorPerInput_InOrder_WithRequestedDimensions()
    {
        using var host = LlmTestHost.Create(
            s =>
            {
                var backend = Backend(Model, Key);
                backend.Name = "under-test";
                backend.EmbeddingModelName = "embed-model";
                s.Backends.Add(backend);
            },
            services: AddServices);
        var dimensions = SupportsEmbeddingDimensions ? 16 : Server.Options.EmbeddingDimensions;

        var response = await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "alpha", "beta gamma" }, Dimensions = SupportsEmbeddingDimensions ? 16 : null });

        if (!SupportsEmbeddings)
        {
            Assert.False(response.Success);
            return;
        }

        Assert.True(response.Success, response.Error?.Message);
        Assert.Equal(2, response.Embeddings.Count);
        Assert.Equal(FakeBrain.Embed("alpha", dimensions), response.Embeddings[0], (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(FakeBrain.Embed("beta gamma", dimensions), response.Embeddings[1], (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal("embed-model", response.ModelUsed);
        var (_, model, inputs) = Assert.Single(Server.Embeddings);
        Assert.Equal("embed-model", model);
        Assert.Equal(new[] { "alpha", "beta gamma" }, inputs);
    }

    [Fact]
    public async Task Models_AreListed_WithoutABillableCall()
    {
        using var host = Host();

        var result = await host.Llm.ListModelsAsync();

        Assert.Empty(result.Errors);
        Assert.Equal(new[] { Model, "other-model" }, result.Models.Select(m => m.Id));
        Assert.All(result.Models, m => Assert.Equal("under-test", m.BackendName));
        Assert.True((await host.Llm.CheckAvailabilityAsync())["under-test"]);
        Assert.Empty(Server.Conversations);
    }

    [Theory]
    [InlineData("wrong-key", false, LlmErrorKind.Unauthorized, 401)]
    [InlineData("error-404", false, LlmErrorKind.NotFound, 404)]
    [InlineData("error-429", false, LlmErrorKind.RateLimited, 429)]
    [InlineData("context-too-long", false, LlmErrorKind.ContextLengthExceeded, 400)]
    [InlineData("content-filtered", false, LlmErrorKind.ContentFiltered, 400)]
    [InlineData("error-503", false, LlmErrorKind.ServerError, 503)]
    [InlineData("garbage-response", false, LlmErrorKind.InvalidResponse, null)]
    [InlineData("wrong-key", true, LlmErrorKind.Unauthorized, 401)]
    [InlineData("error-429", true, LlmErrorKind.RateLimited, 429)]
    [InlineData("context-too-long", true, LlmErrorKind.ContextLengthExceeded, 400)]
    [InlineData("error-500", true, LlmErrorKind.ServerError, 500)]
    public async Task Errors_AreMappedToTypedErrors_BeforeAnyStreamStarts(string scenario, bool stream, LlmErrorKind kind, int? status)
    {
        using var host = scenario == "wrong-key" ? Host(apiKey: "not-the-key") : Host(model: scenario);

        LlmError error;
        if (stream)
        {
            var updates = 0;
            var thrown = await Assert.ThrowsAsync<LlmBackendException>(async () =>
            {
                await foreach (var unused in host.Llm.StreamChatAsync(Ask(User("hi"))))
                {
                    updates++;
                }
            });
            Assert.Equal(0, updates);
            error = thrown.Error;
        }
        else
        {
            var answer = await host.Llm.ChatAsync(Ask(User("hi")));
            Assert.False(answer.Success);
            error = answer.Error!;
        }

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("under-test", error.BackendName);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        if (kind == LlmErrorKind.RateLimited)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), error.RetryAfter);
        }
    }

    [Theory]
    [InlineData("cut-after=8", false)]
    [InlineData("cut-after=8", true)]
    [InlineData("malformed-at=6", true)]
    public async Task BrokenAnswers_AreErrors_NeverATruncatedSuccess(string fault, bool stream)
    {
        using var host = FaultyHost(fault);
        var text = new System.Text.StringBuilder();
        LlmError error;
        if (stream)
        {
            var thrown = await Assert.ThrowsAsync<LlmBackendException>(async () =>
            {
                await foreach (var update in host.Llm.StreamChatAsync(Ask(User("tell me a story"))))
                {
                    text.Append(update.ContentDelta);
                }
            });
            error = thrown.Error;
        }
        else
        {
            var answer = await host.Llm.ChatAsync(Ask(User("tell me a story")));
            Assert.False(answer.Success, $"a cut answer was reported as success: '{answer.Content}'");
            error = answer.Error!;
        }

        Assert.True(FakeBrain.Story.StartsWith(text.ToString(), StringComparison.Ordinal) && text.Length < FakeBrain.Story.Length, $"streamed '{text}'");
        Assert.Contains(error.Kind, new[] { LlmErrorKind.Network, LlmErrorKind.InvalidResponse });
        Assert.Equal("under-test", error.BackendName);
    }

    [Fact]
    public async Task Stream_WithoutItsTerminator_CompletesWhenTheBodyEnds()
    {
        using var host = FaultyHost("no-done");
        var accumulator = new ChatStreamAccumulator();

        await foreach (var update in host.Llm.StreamChatAsync(Ask(User("tell me a story"))))
        {
            accumulator.Add(update);
        }

        var streamed = accumulator.ToResponse();
        Assert.Equal(FakeBrain.Story, streamed.Content);
        Assert.Equal(FinishReasons.Stop, streamed.FinishReason);
        Assert.Equal(60, streamed.CompletionTokens);
    }

    /// <summary>A host whose backend asks the fake provider for the 60-word story with a fault (see FakeFault).</summary>
    private LlmTestHost FaultyHost(string fault) => LlmTestHost.Create(
        s =>
        {
            var backend = Backend("story", Key);
            backend.Name = "under-test";
            backend.Headers[FakeProvider.Faults.FakeFault.Header] = fault;
            s.Backends.Add(backend);
        },
        services: AddServices);

    private static async Task<LlmResponse> ChatOrStreamAsync(LlmTestHost host, ChatRequest request, bool stream)
    {
        if (!stream)
        {
            var answer = await host.Llm.ChatAsync(request);
            Assert.True(answer.Success, answer.ErrorMessage);
            return answer;
        }

        var accumulator = new ChatStreamAccumulator();
        await foreach (var update in host.Llm.StreamChatAsync(request))
        {
            accumulator.Add(update);
        }

        return accumulator.ToResponse();
    }
}
