using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// Each stage of one chat completion through the gateway, alone: the client's request parsed, the model checked and the
/// route planned, the provider's request serialized, the provider's answer parsed, the client's answer written; and one
/// stream chunk read from the provider and written to the client.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private GatewayFixture _fixture = null!;
    private ChatRequest _request = null!;
    private LlmResponse _response = null!;
    private string _chunk = null!;
    private OpenAiChunkWriter _chunkWriter = null!;
    private ChatStreamUpdate _update = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new GatewayFixture();
        _request = OpenAiGatewayMapper.FromWire(JsonSerializer.Deserialize(Payloads.ClientRequest, OpenAiJsonContext.Default.OpenAiChatRequest)!).Request!;
        _response = OpenAiMapper.FromWire(JsonSerializer.Deserialize(Payloads.UpstreamCompletion, OpenAiJsonContext.Default.OpenAiChatResponse)!, "m");
        _response.BackendUsed = "up0";
        _chunk = Payloads.UpstreamChunkJson;
        _update = OpenAiMapper.FromChunk(JsonSerializer.Deserialize(_chunk, OpenAiJsonContext.Default.OpenAiChatResponse)!)!;
        var context = GatewayFixture.Context(Array.Empty<byte>(), Stream.Null);
        _chunkWriter = new OpenAiChunkWriter(context, "chatcmpl-bench", 1_700_000_000);
        _chunkWriter.WriteAsync(_update).GetAwaiter().GetResult();
        _ = _fixture.Llm.GetRoutableModels();
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary>The response cache's key of the request: the SHA-256 of its canonical JSON form (every cache lookup).</summary>
    [Benchmark]
    public string CacheKey() => ResponseCacheKeys.For(_request, null, "llmb:cache:");

    /// <summary>The client's JSON into the library's request (what the endpoint does before routing).</summary>
    [Benchmark]
    public ChatRequest? RequestParse() =>
        OpenAiGatewayMapper.FromWire(JsonSerializer.Deserialize(Payloads.ClientRequest, OpenAiJsonContext.Default.OpenAiChatRequest)!).Request;

    /// <summary>The gateway's model check and the router's plan for the request.</summary>
    [Benchmark]
    public int Route()
    {
        var denied = ModelAccess.Check(_fixture.Llm, GatewayCaller.Anonymous, "up0");
        var router = _fixture.Router;
        return (denied is null ? 0 : 1) + router.Plan(null, "up0").Backends.Count;
    }

    /// <summary>The provider's request body (OpenAI wire types, source-generated JSON).</summary>
    [Benchmark]
    public int ProviderSerialize() =>
        JsonSerializer.SerializeToUtf8Bytes(OpenAiMapper.ToWire(_request, "m", OpenAiPresets.Generic, null, null, stream: false), OpenAiJsonContext.Default.OpenAiChatRequest).Length;

    /// <summary>The provider's answer into the library's response.</summary>
    [Benchmark]
    public LlmResponse ResponseParse() =>
        OpenAiMapper.FromWire(JsonSerializer.Deserialize(Payloads.UpstreamCompletion, OpenAiJsonContext.Default.OpenAiChatResponse)!, "m");

    /// <summary>The client's answer written (chat.completion object).</summary>
    [Benchmark]
    public Task ResponseWrite() =>
        JsonSerializer.SerializeAsync(Stream.Null, OpenAiGatewayMapper.ToWire(_response, "chatcmpl-bench", 1_700_000_000), OpenAiJsonContext.Default.OpenAiChatResponse);

    /// <summary>One SSE chunk: the provider's event parsed into an update, and the update written as the client's frame.</summary>
    [Benchmark]
    public Task SseChunkInAndOut()
    {
        var update = OpenAiMapper.FromChunk(JsonSerializer.Deserialize(_chunk, OpenAiJsonContext.Default.OpenAiChatResponse)!)!;
        return _chunkWriter.WriteAsync(update);
    }
}
