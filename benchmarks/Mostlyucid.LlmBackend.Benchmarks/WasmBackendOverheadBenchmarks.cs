using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// What a plugin backend costs against the built-in OpenAI provider, side by side in one run and against the same
/// in-memory upstream answering OpenAI's bytes: a non-streamed chat through <c>ILlmService.ChatAsync</c>, and streamed
/// chats of 1 and 100 content chunks read to the end (the per-chunk cost is the slope between them), for the built-in
/// backend, the AssemblyScript and C sample plugins in the Wasm sandbox, and the C sample as a native library.
/// <see cref="WasmOverheadReport"/> turns the medians into the overhead per request and per chunk (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByMethod)]
public class WasmBackendOverheadBenchmarks
{
    private PluginBackendFixture _fixture = null!;
    private ChatRequest _chat = null!;
    private ChatRequest _shortStream = null!;
    private ChatRequest _longStream = null!;

    /// <summary>Gets or sets the backend the requests go through.</summary>
    [ParamsAllValues]
    public PluginUnderTest Backend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new PluginBackendFixture(Backend);
        _chat = PluginBackendFixture.Request(PluginBackendFixture.ShortStreams);
        _shortStream = PluginBackendFixture.Request(PluginBackendFixture.ShortStreams);
        _longStream = PluginBackendFixture.Request(PluginBackendFixture.LongStreams);
        _fixture.Check(_chat, _shortStream, _longStream);
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary>A non-streamed chat: <c>ILlmService.ChatAsync</c>.</summary>
    [Benchmark]
    public async Task<int> Chat()
    {
        var answer = await _fixture.Llm.ChatAsync(_chat).ConfigureAwait(false);
        return answer.Success ? answer.Content!.Length : throw new InvalidOperationException(answer.ErrorMessage);
    }

    /// <summary>A streamed chat of one content chunk (role, one token, finish, [DONE]), read to its end.</summary>
    [Benchmark]
    public Task<int> Stream1() => PluginBackendFixture.CountContentAsync(_fixture.Llm.StreamChatAsync(_shortStream));

    /// <summary>A streamed chat of 100 content chunks, read to its end.</summary>
    [Benchmark]
    public Task<int> Stream100() => PluginBackendFixture.CountContentAsync(_fixture.Llm.StreamChatAsync(_longStream));
}
