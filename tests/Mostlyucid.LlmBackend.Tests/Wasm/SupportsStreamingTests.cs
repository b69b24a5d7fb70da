using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm.Backend;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>
/// QueryMT's <c>supports_streaming(cfg)</c>: a plugin that says its configuration does not stream is asked for the whole
/// answer, which is streamed as one update; one that says it does is streamed through its parser.
/// </summary>
public sealed class SupportsStreamingTests : IDisposable
{
    private const string Request = """{"req":{"head":{"method":"POST","uri":"https://api.example.com/v1/chat","headers":{},"version":"HTTP/1.1"},"body":[123,125]}}""";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("false", "the whole answer", "chat_request")]
    [InlineData("true", "the streamed answer", "chat_stream_request")]
    public async Task APluginsAnswer_DecidesHowAStreamIsServed(string supportsStreaming, string expectedText, string expectedExport)
    {
        var carrier = new ScriptedCarrier(new()
        {
            ["name"] = "scripted",
            ["supports_streaming"] = supportsStreaming,
            ["chat_request"] = Request,
            ["chat_stream_request"] = Request,
            ["parse_chat_response"] = """{"text":"the whole answer","finish_reason":"stop"}""",
            ["chat_stream_parser_start"] = "1",
            ["chat_stream_parser_parse"] = "[]",
            ["chat_stream_parser_finish"] = """[{"chunk":{"text":"the streamed answer"}},{"chunk":{"done":{"stop_reason":"end_turn"}}}]""",
            ["chat_stream_parser_close"] = "null",
            ["list_models_request"] = Request,
            ["parse_list_models_response"] = "[]",
        });
        var plugin = _directory.Combine("scripted.wasm");
        await File.WriteAllBytesAsync(plugin, Array.Empty<byte>());
        var factory = new PluginBackendFactory(() => new ScriptedRuntime(carrier), new SandboxSettings(), TimeProvider.System, new[] { _directory.Path });
        using var http = new HttpClient(new CannedHttpHandler("data: {}\n\n", "text/event-stream"));
        var backend = await factory.CreateAsync(new LlmBackendConfig { Name = "scripted", Type = "Wasm", PluginPath = plugin, AllowedHosts = { "api.example.com" } }, native: false, NullLogger.Instance, http, CancellationToken.None);

        var text = string.Empty;
        await foreach (var update in backend.StreamChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } }))
        {
            text += update.ContentDelta;
        }

        Assert.Equal(expectedText, text);
        Assert.Contains(expectedExport, carrier.Calls);
        Assert.DoesNotContain(expectedExport == "chat_request" ? "chat_stream_request" : "chat_request", carrier.Calls);
    }

    private sealed class ScriptedRuntime(IPluginCarrier carrier) : IWasmRuntime
    {
        public Task<IPluginCarrier> LoadAsync(WasmPluginLoadRequest request, CancellationToken cancellationToken) => Task.FromResult(carrier);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
