using BenchmarkDotNet.Attributes;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// A whole request through the gateway's endpoint and the library's pipeline (routing, breaker, retries, deadline,
/// provider) against an in-memory upstream: everything the gateway does per request except Kestrel and the sockets.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private GatewayFixture _fixture = null!;
    private ChatRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new GatewayFixture(streamChunks: 10);
        _request = new ChatRequest { Model = "up0", Messages = { new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } };
        Chat().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary>The library alone: <c>ILlmService.ChatAsync</c>.</summary>
    [Benchmark]
    public async Task<bool> LibraryChat() => (await _fixture.Llm.ChatAsync(_request).ConfigureAwait(false)).Success;

    /// <summary><c>POST /v1/chat/completions</c>, not streamed.</summary>
    [Benchmark]
    public Task Chat() =>
        ChatCompletionsEndpoint.HandleAsync(GatewayFixture.Context(Payloads.ClientRequest, Stream.Null), _fixture.Llm, _fixture.Time);

    /// <summary><c>POST /v1/chat/completions</c> streamed: ten content chunks in, ten frames and [DONE] out.</summary>
    [Benchmark]
    public Task ChatStream() =>
        ChatCompletionsEndpoint.HandleAsync(GatewayFixture.Context(Payloads.ClientStreamRequest, Stream.Null), _fixture.Llm, _fixture.Time);
}
