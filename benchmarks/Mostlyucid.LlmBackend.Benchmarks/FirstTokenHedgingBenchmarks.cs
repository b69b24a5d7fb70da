using BenchmarkDotNet.Attributes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// What first-token hedging adds to a stream whose first backend answers at once (the common case): a route of two
/// backends, streamed with hedging on (the default: the delay is computed from the backend's first-token times, a timer
/// is armed and the race is set up) and off. No hedge ever starts here; this is the price of being ready to.
/// </summary>
[MemoryDiagnoser]
public class FirstTokenHedgingBenchmarks
{
    private GatewayFixture _fixture = null!;
    private ChatRequest _request = null!;

    /// <summary>Gets or sets whether first-token hedging is on.</summary>
    [Params(false, true)]
    public bool Hedging { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new GatewayFixture(
            streamChunks: 10,
            settings =>
            {
                settings.Usage.Enabled = false;
                settings.Resilience.FirstTokenHedging.Enabled = Hedging;
                settings.Backends.Add(new LlmBackendConfig { Name = "up1", Type = "OpenAICompatible", BaseUrl = "http://127.0.0.1:9101/v1", ApiKey = "sk-fake", ModelName = "m", Priority = 200 });
                settings.Routes.Add(new RouteConfig { Name = "pair", Backends = { "up0", "up1" } });
            });
        _request = new ChatRequest { Model = "pair", Messages = { new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } };
        Stream().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary><c>ILlmService.StreamChatAsync</c> over the two-backend route (ten chunks and the usage).</summary>
    [Benchmark]
    public async Task<int> Stream()
    {
        var updates = 0;
        await foreach (var update in _fixture.Llm.StreamChatAsync(_request).ConfigureAwait(false))
        {
            updates++;
        }

        return updates;
    }
}
