using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Backend;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>Where QueryMT's host behaves in a particular way, ours behaves the same (checked against its source, f2a81366).</summary>
public sealed class QueryMtFidelityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARefusedChat_IsClassifiedByThePluginsOwnErrorTable_StreamedOrNot(bool stream)
    {
        // The provider answers 400 with a body only it knows to be a rate limit; the plugin's classify_chat_error says so.
        using var http = new HttpClient(new StubUpstream(HttpStatusCode.BadRequest, """{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"""));
        var carrier = new ScriptedCarrier(new()
        {
            [PluginExports.ChatRequest] = Request("/v1/chat"),
            [PluginExports.ChatStreamRequest] = Request("/v1/chat"),
            [PluginExports.StreamParserStart] = "1",
            [PluginExports.StreamParserParse] = "[]",
            [PluginExports.StreamParserFinish] = "[]",
            [PluginExports.ClassifyChatError] = """{"payload":{"type":"provider_error","message":"slow down","kind":"rate_limited","code":"rate_limit_exceeded","retry_after_secs":7}}""",
        });
        var backend = new PluginBackend(new LlmBackendConfig { Name = "classified" }, NullLogger.Instance, http, TimeProvider.System, carrier, Descriptor(canStream: true));
        var request = new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } };

        var error = stream ? await StreamErrorAsync(backend, request) : (await backend.ChatAsync(request)).Error;

        Assert.NotNull(error);
        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal("rate_limit_exceeded", error.ProviderCode);
        Assert.Contains(PluginExports.ClassifyChatError, carrier.Calls);
    }

    [Fact]
    public async Task WithoutAnErrorTable_TheSameRefusal_IsTheProvidersStatus()
    {
        using var http = new HttpClient(new StubUpstream(HttpStatusCode.BadRequest, """{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"""));
        var carrier = new ScriptedCarrier(new() { [PluginExports.ChatRequest] = Request("/v1/chat") });
        var backend = new PluginBackend(new LlmBackendConfig { Name = "plain" }, NullLogger.Instance, http, TimeProvider.System, carrier, Descriptor(canStream: false));

        var response = await backend.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } });

        Assert.Equal(400, response.Error!.StatusCode);
        Assert.NotEqual(LlmErrorKind.RateLimited, response.Error.Kind);
    }

    [Fact]
    public void TheFirstDone_EndsTheAnswer_LaterOnesAreIgnoredButUsageStillCounts()
    {
        // QueryMT's OpenAI parser reports the real reason at finish_reason, then Stop again at [DONE].
        var state = new StreamState();
        var chunks = QueryMtResults.Chunks(Encoding.UTF8.GetBytes("""
            [{"chunk":{"text":"Hi"},"usage":null},{"chunk":{"done":{"finish_reason":"ToolCalls"}},"usage":null},
             {"chunk":{"text":"late"},"usage":null},{"chunk":{"usage":{"input_tokens":3,"output_tokens":4}},"usage":null},
             {"chunk":{"done":{"finish_reason":"Stop"}},"usage":null}]
            """));

        var updates = state.Apply(chunks, "m").ToList();

        Assert.Equal(new[] { FinishReasons.ToolCalls }, updates.Where(u => u.FinishReason is not null).Select(u => u.FinishReason));
        Assert.DoesNotContain(updates, u => u.ContentDelta == "late");
        Assert.Contains(updates, u => u.Usage is { CompletionTokens: 4 });
    }

    [Fact]
    public void ImagesGivenAsBytes_ReachThePluginAsQueryMtImageBlocks()
    {
        var png = new byte[] { 137, 80, 78, 71 };
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Role = ChatRole.User, Parts = new() { ContentPart.FromText("What is it?"), ContentPart.FromImageBytes(png, "image/png"), ContentPart.FromImageUrl("https://img.example/cat.png") } } },
        };

        var input = JsonNode.Parse(QueryMtRequests.Chat(new JsonObject(), request))!;
        var content = input["messages"]![0]!["content"]!.AsArray();

        Assert.Equal("image", (string?)content[1]!["type"]);
        Assert.Equal("image/png", (string?)content[1]!["mime_type"]);
        Assert.Equal(png.Select(b => (int)b), content[1]!["data"]!.AsArray().Select(b => (int)b!));
        Assert.Equal("image_url", (string?)content[2]!["type"]);
        Assert.Equal("https://img.example/cat.png", (string?)content[2]!["url"]);
    }

    private static async Task<LlmError?> StreamErrorAsync(PluginBackend backend, ChatRequest request)
    {
        try
        {
            await foreach (var update in backend.StreamChatAsync(request))
            {
                Assert.Fail($"a refused stream produced an update ({update.ContentDelta})");
            }
        }
        catch (LlmBackendException ex)
        {
            return ex.Error;
        }

        return null;
    }

    private static string Request(string path) =>
        $$$"""{"req":{"head":{"method":"POST","uri":"https://api.example.com{{{path}}}","headers":{},"version":"HTTP/1.1"},"body":[123,125]}}""";

    private static PluginDescriptor Descriptor(bool canStream) => new()
    {
        Name = "scripted",
        Schema = ConfigSchema.None,
        Configuration = new JsonObject(),
        AllowedHosts = new AllowedHosts(new[] { "api.example.com" }),
        CanStream = canStream,
    };

    private sealed class StubUpstream(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
