using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>The cache stage over a scripted inner service and a real memory store.</summary>
public sealed class CachingLlmServiceTests
{
    private readonly ScriptedLlmService _inner = new();

    private static ChatRequest Ask(double? temperature = 0, string text = "hello") =>
        new() { Model = "m", Temperature = temperature, Messages = { new ChatMessage { Content = text } } };

    private static IDistributedCache Memory() => new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions { SizeLimit = 10 * 1024 * 1024 }));

    private CachingLlmService Stage(CachingSettings? settings = null, IDistributedCache? store = null)
    {
        settings ??= new CachingSettings { Enabled = true };
        var cache = new ResponseCache(store ?? Memory(), "Memory", TimeSpan.FromMinutes(5), new SecretRedactor(), NullLogger.Instance);
        return new CachingLlmService(_inner, cache, settings, new LlmMetrics(null));
    }

    private static async Task<(List<ChatStreamUpdate> Updates, LlmCacheOutcome Outcome)> StreamAsync(CachingLlmService stage, ChatRequest request, LlmCacheControl control = LlmCacheControl.Default)
    {
        var call = new LlmCallContext { CacheControl = control };
        var updates = new List<ChatStreamUpdate>();
        using (LlmCallContext.Begin(call))
        {
            await foreach (var update in stage.StreamChatAsync(request))
            {
                updates.Add(update);
            }
        }

        return (updates, call.CacheOutcome);
    }

    private static async Task<(LlmResponse Response, LlmCacheOutcome Outcome)> ChatAsync(CachingLlmService stage, ChatRequest request, LlmCacheControl control = LlmCacheControl.Default)
    {
        var call = new LlmCallContext { CacheControl = control };
        using (LlmCallContext.Begin(call))
        {
            return (await stage.ChatAsync(request), call.CacheOutcome);
        }
    }

    [Fact]
    public async Task ChatAsync_IdenticalDeterministicRequest_IsAnsweredFromTheCache_AtNoCost()
    {
        var stage = Stage();

        var (first, firstOutcome) = await ChatAsync(stage, Ask());
        var (second, secondOutcome) = await ChatAsync(stage, Ask());

        Assert.Equal(1, _inner.Calls);
        Assert.Equal(LlmCacheOutcome.Miss, firstOutcome);
        Assert.Equal(LlmCacheOutcome.Hit, secondOutcome);
        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
        Assert.Equal(first.Content, second.Content);
        Assert.Equal(first.ModelUsed, second.ModelUsed);
        Assert.Equal(first.PromptTokens, second.PromptTokens);
        Assert.Equal(0m, second.CostUsd);
        Assert.Empty(second.Attempts);
    }

    [Fact]
    public async Task ChatAsync_SamplingRequest_IsNotCachedByDefault_UnlessForcedOrAllAreCacheable()
    {
        var stage = Stage();
        var (_, first) = await ChatAsync(stage, Ask(temperature: null));
        var (_, second) = await ChatAsync(stage, Ask(temperature: 0.8));
        await ChatAsync(stage, Ask(temperature: 0.8));
        Assert.Equal(LlmCacheOutcome.Bypass, first);
        Assert.Equal(LlmCacheOutcome.Bypass, second);
        Assert.Equal(3, _inner.Calls);

        // Asked to, or configured to: cached.
        await ChatAsync(stage, Ask(temperature: 0.8), LlmCacheControl.Force);
        var (forced, forcedOutcome) = await ChatAsync(stage, Ask(temperature: 0.8), LlmCacheControl.Force);
        Assert.Equal(LlmCacheOutcome.Hit, forcedOutcome);
        Assert.True(forced.CacheHit);

        var all = Stage(new CachingSettings { Enabled = true, CacheableRequests = CacheableRequests.All });
        var calls = _inner.Calls;
        await ChatAsync(all, Ask(temperature: null, text: "any"));
        var (_, allOutcome) = await ChatAsync(all, Ask(temperature: null, text: "any"));
        Assert.Equal(LlmCacheOutcome.Hit, allOutcome);
        Assert.Equal(calls + 1, _inner.Calls);
    }

    [Fact]
    public async Task ChatAsync_SeededRequest_IsCached()
    {
        var stage = Stage();
        var seeded = Ask(temperature: 0.9);
        seeded.Seed = 7;

        await stage.ChatAsync(seeded);
        var again = await stage.ChatAsync(seeded);

        Assert.True(again.CacheHit);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task ChatAsync_Refresh_AsksAfresh_AndStoresTheFreshAnswer_Bypass_LeavesTheCacheAlone()
    {
        var stage = Stage();
        var version = 0;
        _inner.Chat = _ => new LlmResponse { Success = true, Content = "v" + ++version, BackendUsed = "fake" };

        await ChatAsync(stage, Ask());
        var (refreshed, refreshOutcome) = await ChatAsync(stage, Ask(), LlmCacheControl.Refresh);
        var (cached, _) = await ChatAsync(stage, Ask());
        Assert.Equal(LlmCacheOutcome.Miss, refreshOutcome);
        Assert.Equal("v2", refreshed.Content);
        Assert.Equal("v2", cached.Content);
        Assert.True(cached.CacheHit);

        var (bypassed, bypassOutcome) = await ChatAsync(stage, Ask(), LlmCacheControl.Bypass);
        var (stillCached, _) = await ChatAsync(stage, Ask());
        Assert.Equal(LlmCacheOutcome.Bypass, bypassOutcome);
        Assert.Equal("v3", bypassed.Content);
        Assert.Equal("v2", stillCached.Content);
        Assert.Equal(3, _inner.Calls);
    }

    [Fact]
    public async Task ChatAsync_FailedAnswer_IsNotCached()
    {
        var stage = Stage();
        _inner.Chat = _ => new LlmResponse { Success = false, ErrorCode = "ServerError", ErrorMessage = "boom" };

        await stage.ChatAsync(Ask());
        var second = await stage.ChatAsync(Ask());

        Assert.False(second.CacheHit);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task StreamChatAsync_CompletedStream_IsStored_AndReplayedAsAStream_WithNoUpstreamCall()
    {
        var stage = Stage();

        var (first, firstOutcome) = await StreamAsync(stage, Ask());
        var (second, secondOutcome) = await StreamAsync(stage, Ask());

        Assert.Equal(1, _inner.Calls);
        Assert.Equal(LlmCacheOutcome.Miss, firstOutcome);
        Assert.Equal(LlmCacheOutcome.Hit, secondOutcome);
        Assert.Equal("streamed answer", string.Concat(first.Select(u => u.ContentDelta)));
        Assert.Equal("streamed answer", string.Concat(second.Select(u => u.ContentDelta)));
        Assert.All(second, u => Assert.True(u.CacheHit));
        Assert.Equal(FinishReasons.Stop, second.Single(u => u.FinishReason is not null).FinishReason);
        var usage = second.Single(u => u.Usage is not null);
        Assert.Equal(10, usage.Usage!.PromptTokens);
        Assert.Equal(0m, usage.CostUsd);
        Assert.All(second, u => Assert.Equal("fake-model", u.ModelUsed));

        // The stored stream answers a request that does not stream, too.
        var whole = await stage.ChatAsync(Ask());
        Assert.True(whole.CacheHit);
        Assert.Equal("streamed answer", whole.Content);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task StreamChatAsync_StreamThatFails_OrIsAbandoned_IsNotCached()
    {
        var stage = Stage();
        _inner.Stream = _ => new object[]
        {
            new ChatStreamUpdate { ContentDelta = "half an " },
            new LlmBackendException(new LlmError { Kind = LlmErrorKind.Network, Message = "cut" }, Array.Empty<BackendAttempt>()),
        };
        await Assert.ThrowsAsync<LlmBackendException>(() => StreamAsync(stage, Ask()));

        // Read one update and walk away.
        _inner.Stream = new ScriptedLlmService().Stream;
        await foreach (var update in stage.StreamChatAsync(Ask()))
        {
            break;
        }

        var (_, outcome) = await StreamAsync(stage, Ask());
        Assert.Equal(LlmCacheOutcome.Miss, outcome);
        Assert.Equal(3, _inner.Calls);
    }

    [Fact]
    public async Task EmbedAsync_SameInputs_AreAnsweredFromTheCache()
    {
        var stage = Stage();
        var request = new EmbeddingRequest { Model = "e", Inputs = { "one", "three" } };

        var first = await stage.EmbedAsync(request);
        var second = await stage.EmbedAsync(request);

        Assert.Equal(1, _inner.Calls);
        Assert.True(second.CacheHit);
        Assert.Equal(0m, second.CostUsd);
        Assert.Equal(first.Embeddings.Select(v => v.ToArray()), second.Embeddings.Select(v => v.ToArray()));
    }

    [Fact]
    public async Task ChatAsync_StoreThatFails_FailsOpen_AndSaysBypass()
    {
        var stage = Stage(store: new FailingCache());

        var (first, outcome) = await ChatAsync(stage, Ask());
        var (second, _) = await ChatAsync(stage, Ask());

        Assert.True(first.Success);
        Assert.True(second.Success);
        Assert.Equal(LlmCacheOutcome.Bypass, outcome);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task ChatAsync_CallerScope_KeepsCallersApart()
    {
        var stage = Stage(new CachingSettings { Enabled = true, Scope = CacheScope.Caller });

        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "alice" }))
        {
            await stage.ChatAsync(Ask());
            Assert.True((await stage.ChatAsync(Ask())).CacheHit);
        }

        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "bob" }))
        {
            Assert.False((await stage.ChatAsync(Ask())).CacheHit);
        }

        Assert.Equal(2, _inner.Calls);
    }

    private sealed class FailingCache : IDistributedCache
    {
        public byte[]? Get(string key) => throw new InvalidOperationException("down");

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("down");

        public void Refresh(string key) => throw new InvalidOperationException("down");

        public Task RefreshAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("down");

        public void Remove(string key) => throw new InvalidOperationException("down");

        public Task RemoveAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("down");

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new InvalidOperationException("down");

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => throw new InvalidOperationException("down");
    }
}
