using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.Validation;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// The rest of the per-request cost of the security work, each beside the same request without it: a chat through the
/// library with and without the validation stage; a chat completion through the gate (key check, browser policy, body
/// limit) and without it; and a request id drawn at random (now) against the counter it replaced.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private const string Key = "bench-gateway-key-0123456789";
    private static readonly string CounterPrefix = "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private static long _counter;
    private static int _lastStatus;

    private GatewayFixture _fixture = null!;
    private ChatRequest _request = null!;
    private LlmService _unvalidated = null!;
    private GatewayGate _gate = null!;
    private GatewayGate _bareGate = null!;
    private GatewayApiKeys _keys = null!;
    private RequestRateLimiter _limiter = null!;
    private Endpoint _endpoint = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new GatewayFixture(streamChunks: 10);
        _request = new ChatRequest { Model = "up0", Temperature = 0.2, MaxTokens = 16, Messages = { new ChatMessage { Role = ChatRole.System, Content = "You are terse." }, new ChatMessage { Role = ChatRole.User, Content = "Say hello." } } };
        _unvalidated = _fixture.Services.GetRequiredService<LlmService>();
        var settings = new GatewaySettings { ApiKeys = { new GatewayApiKeyConfig { Name = "bench", Key = Key, MaxRequestsPerMinute = int.MaxValue } } };
        var configuration = new GatewayConfiguration(new GatewaySnapshot(settings));
        var registry = _fixture.Services.GetRequiredService<BackendRegistry>();
        var keys = configuration.Current.Keys;
        _gate = new GatewayGate(
            context => ChatCompletionsEndpoint.HandleAsync(context, _fixture.Llm, _fixture.Time),
            configuration,
            registry,
            new RequestRateLimiter(TimeProvider.System),
            new TokenRateLimiter(TimeProvider.System),
            new DashboardSessions(new GatewayDashboardSettings(), TimeProvider.System),
            NullLogger<GatewayGate>.Instance);
        _keys = keys;
        _limiter = new RequestRateLimiter(TimeProvider.System);
        _bareGate = new GatewayGate(_ => Task.CompletedTask, configuration, registry, _limiter, new TokenRateLimiter(TimeProvider.System), new DashboardSessions(new GatewayDashboardSettings(), TimeProvider.System), NullLogger<GatewayGate>.Instance);
        _endpoint = new Endpoint(null, new EndpointMetadataCollection(new GatewayEndpoint(EndpointAccess.Key, ErrorShape.OpenAi, TakesJsonBody: true)), "chat");
        Check(ChatWithoutGate);
        Check(ChatThroughGate);
    }

    /// <summary>Both variants must answer the chat (a refusal would be measured as a fast "success").</summary>
    private static void Check(Func<Task> call)
    {
        _lastStatus = 0;
        call().GetAwaiter().GetResult();
        if (_lastStatus != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"The benchmark's request was answered {_lastStatus}, not 200.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary>The library as registered: validation, then the pipeline.</summary>
    [Benchmark]
    public async Task<bool> LibraryChat_Validated() => (await _fixture.Llm.ChatAsync(_request).ConfigureAwait(false)).Success;

    /// <summary>The pipeline alone, without the validation stage.</summary>
    [Benchmark]
    public async Task<bool> LibraryChat_NotValidated() => (await _unvalidated.ChatAsync(_request).ConfigureAwait(false)).Success;

    /// <summary>The validation of one request by itself.</summary>
    [Benchmark]
    public LlmError? Validate() => RequestValidator.Validate(_request);

    /// <summary><c>POST /v1/chat/completions</c> through the gate, with a key.</summary>
    [Benchmark]
    public async Task ChatThroughGate()
    {
        var context = GatewayFixture.Context(Payloads.ClientRequest, Stream.Null);
        context.Items.Clear();
        context.Request.Host = new HostString("127.0.0.1", 5000);
        context.Request.Headers.Authorization = "Bearer " + Key;
        context.SetEndpoint(_endpoint);
        await _gate.InvokeAsync(context).ConfigureAwait(false);
        _lastStatus = context.Response.StatusCode;
    }

    /// <summary>The same request to the endpoint with no gate (what it cost before, less the old prefix check).</summary>
    [Benchmark]
    public async Task ChatWithoutGate()
    {
        var context = GatewayFixture.Context(Payloads.ClientRequest, Stream.Null);
        await ChatCompletionsEndpoint.HandleAsync(context, _fixture.Llm, _fixture.Time).ConfigureAwait(false);
        _lastStatus = context.Response.StatusCode;
    }

    /// <summary>The gate alone (next does nothing): keyless policy, endpoint metadata, media type, key, limit, body bound.</summary>
    [Benchmark]
    public Task GateAlone()
    {
        var context = KeyedContext();
        context.SetEndpoint(_endpoint);
        return _bareGate.InvokeAsync(context);
    }

    /// <summary>What the gateway did before in the same place: a path-prefix check, the request id, the key and its limit.</summary>
    [Benchmark]
    public Task PreviousKeyCheckAlone()
    {
        var context = KeyedContext();
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        GatewayHeaders.EnsureRequestId(context);
        if (_keys.Authenticate(context.Request) is { } found)
        {
            if (found.PerMinute is { } limit)
            {
                _ = _limiter.TryAcquire(found.Caller.KeyName, limit);
            }

            GatewayCallerFeature.Set(context, found.Caller);
        }

        return Task.CompletedTask;
    }

    private DefaultHttpContext KeyedContext()
    {
        var context = GatewayFixture.Context(Payloads.ClientRequest, Stream.Null);
        context.Items.Clear();
        context.Request.Host = new HostString("127.0.0.1", 5000);
        context.Request.Headers.Authorization = "Bearer " + Key;
        return context;
    }

    /// <summary>Now: 128 random bits per id.</summary>
    [Benchmark]
    public string RequestId_Random() => RequestIds.Next();

    /// <summary>Before: a per-process prefix and a counter (guessable).</summary>
    [Benchmark]
    public string RequestId_Counter() => CounterPrefix + Interlocked.Increment(ref _counter).ToString("x16", CultureInfo.InvariantCulture);
}
