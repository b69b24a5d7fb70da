using System.Text.Json;
using Mostlyucid.LlmBackend.Caching;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>The cache key is the normalised request: what changes the answer changes the key, and nothing else does.</summary>
public sealed class ResponseCacheKeysTests
{
    private const string Prefix = "llmb:cache:";

    private static ChatRequest Request(Action<ChatRequest>? change = null)
    {
        var request = new ChatRequest
        {
            Model = "gpt-fake",
            Temperature = 0,
            Messages = { new ChatMessage { Role = ChatRole.System, Content = "be brief" }, new ChatMessage { Content = "hello" } },
            Tools = new List<ToolDefinition> { new() { Name = "weather", Parameters = Json("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}}}""") } },
        };
        change?.Invoke(request);
        return request;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static string Key(ChatRequest request, string? scope = null) => ResponseCacheKeys.For(request, scope, Prefix);

    [Fact]
    public void For_SameRequest_SameKey_WithThePrefixAndOperation()
    {
        var key = Key(Request());

        Assert.Equal(key, Key(Request()));
        Assert.StartsWith("llmb:cache:chat:", key, StringComparison.Ordinal);
        Assert.Equal("llmb:cache:chat:".Length + 64, key.Length);
    }

    [Fact]
    public void For_PropertyOrderInJson_DoesNotChangeTheKey()
    {
        var reordered = Request(r => r.Tools![0].Parameters = Json("""{"properties":{"days":{"type":"integer"},"city":{"type":"string"}},"type":"object"}"""));
        Assert.Equal(Key(Request()), Key(reordered));

        var extensionsAb = Request(r => r.AdditionalProperties = new() { ["a"] = Json("1"), ["b"] = Json("""{"x":1,"y":2}""") });
        var extensionsBa = Request(r => r.AdditionalProperties = new() { ["b"] = Json("""{"y":2,"x":1}"""), ["a"] = Json("1.0") });
        Assert.Equal(Key(extensionsAb), Key(extensionsBa));
    }

    [Fact]
    public void For_WhatChangesTheAnswer_ChangesTheKey()
    {
        var key = Key(Request());

        Assert.NotEqual(key, Key(Request(r => r.Temperature = 0.7)));
        Assert.NotEqual(key, Key(Request(r => r.Seed = 42)));
        Assert.NotEqual(key, Key(Request(r => r.MaxTokens = 10)));
        Assert.NotEqual(key, Key(Request(r => r.Model = "gpt-other")));
        Assert.NotEqual(key, Key(Request(r => r.Messages[1].Content = "hello!")));
        Assert.NotEqual(key, Key(Request(r => r.Messages.Add(new ChatMessage { Role = ChatRole.Assistant, Content = "hi" }))));
        Assert.NotEqual(key, Key(Request(r => r.Tools![0].Name = "forecast")));
        Assert.NotEqual(key, Key(Request(r => r.Tools![0].Parameters = Json("""{"type":"object"}"""))));
        Assert.NotEqual(key, Key(Request(r => r.Tools = null)));
        Assert.NotEqual(key, Key(Request(r => r.ToolChoice = ToolChoice.Required)));
        Assert.NotEqual(key, Key(Request(r => r.Stop = new List<string> { "\n" })));
        Assert.NotEqual(key, Key(Request(r => r.ResponseFormat = ResponseFormat.Json())));
        Assert.NotEqual(key, Key(Request(r => r.AdditionalProperties = new() { ["logprobs"] = Json("true") })));
    }

    [Fact]
    public void For_TranslationInputs_ChangeTheKey()
    {
        var key = Key(Request());

        // What reaches a backend of the caller's format untranslated, log probabilities, documents and cache marks.
        Assert.NotEqual(key, Key(Request(r => r.PassThrough = new ProviderPassThrough { Format = WireFormats.Anthropic, Headers = { ["anthropic-beta"] = "context-1m" } })));
        Assert.NotEqual(
            Key(Request(r => r.PassThrough = new ProviderPassThrough { Fields = { ["service_tier"] = Json("\"flex\"") } })),
            Key(Request(r => r.PassThrough = new ProviderPassThrough { Fields = { ["service_tier"] = Json("\"priority\"") } })));
        Assert.NotEqual(key, Key(Request(r => r.Logprobs = true)));
        Assert.NotEqual(key, Key(Request(r => r.TopLogprobs = 3)));
        Assert.NotEqual(key, Key(Request(r => r.Tools![0].CacheControl = Json("""{"type":"ephemeral"}"""))));
        Assert.NotEqual(
            Key(Request(r => r.Messages[1].Parts = new List<ContentPart> { ContentPart.FromDocumentText("the terms", "A") })),
            Key(Request(r => r.Messages[1].Parts = new List<ContentPart> { ContentPart.FromDocumentText("the terms", "B") })));

        // Header names are case-insensitive; field order does not matter.
        Assert.Equal(
            Key(Request(r => r.PassThrough = new ProviderPassThrough { Headers = { ["Anthropic-Beta"] = "x" }, Fields = { ["a"] = Json("1"), ["b"] = Json("2") } })),
            Key(Request(r => r.PassThrough = new ProviderPassThrough { Headers = { ["anthropic-beta"] = "x" }, Fields = { ["b"] = Json("2"), ["a"] = Json("1") } })));
    }

    [Fact]
    public void Policy_ARequestForLogprobs_IsNeverServedFromTheCache()
    {
        // A stored answer keeps no per-token probabilities, so even a forced read would not give what was asked for.
        var policy = new CachePolicy(Mostlyucid.LlmBackend.Configuration.CacheableRequests.All);

        Assert.Equal(CacheDecision.Bypass, policy.Decide(Request(r => r.Logprobs = true), LlmCacheControl.Force));
        Assert.True(policy.Decide(Request(), LlmCacheControl.Default).Read);
    }

    [Fact]
    public void For_WhatDoesNotChangeTheAnswer_KeepsTheKey()
    {
        var key = Key(Request());

        // The end-user id, the model name's case and spaces, and a string content written as one text part.
        Assert.Equal(key, Key(Request(r => r.User = "someone-else")));
        Assert.Equal(key, Key(Request(r => r.Model = "  GPT-Fake ")));
        Assert.Equal(key, Key(Request(r => r.Messages[1] = new ChatMessage { Parts = new List<ContentPart> { ContentPart.FromText("hello") } })));

        // Who calls and the request id are never part of it: the key is computed from the request alone.
        using (LlmCallContext.Begin(new LlmCallContext { CallerName = "alice", RequestId = "req-1" }))
        {
            Assert.Equal(key, Key(Request()));
        }
    }

    [Fact]
    public void For_Scope_SeparatesCallersOnlyWhenGiven()
    {
        Assert.NotEqual(Key(Request(), "caller:alice"), Key(Request(), "caller:bob"));
        Assert.NotEqual(Key(Request()), Key(Request(), "caller:alice"));
        Assert.Equal(Key(Request(), "caller:alice"), Key(Request(), "caller:alice"));
    }

    [Fact]
    public void For_CompletionAndEmbedding_HaveTheirOwnKeys()
    {
        var completion = ResponseCacheKeys.For(new LlmRequest { Prompt = "hello", Temperature = 0 }, null, Prefix);
        var embedding = ResponseCacheKeys.For(new EmbeddingRequest { Inputs = { "hello" } }, null, Prefix);

        Assert.StartsWith("llmb:cache:completion:", completion, StringComparison.Ordinal);
        Assert.StartsWith("llmb:cache:embedding:", embedding, StringComparison.Ordinal);
        Assert.NotEqual(completion, ResponseCacheKeys.For(new LlmRequest { Prompt = "hello", Temperature = 0, SystemPrompt = "be brief" }, null, Prefix));
        Assert.NotEqual(embedding, ResponseCacheKeys.For(new EmbeddingRequest { Inputs = { "hello" }, Dimensions = 8 }, null, Prefix));
        Assert.NotEqual(embedding, ResponseCacheKeys.For(new EmbeddingRequest { Inputs = { "hello", "world" } }, null, Prefix));
    }

    /// <summary>
    /// Keys outlive the process (the SQLite and Redis caches keep entries across upgrades), so the same request must keep
    /// its key from one version to the next. These were computed by the implementation before the key writer was reused.
    /// </summary>
    [Fact]
    public void For_KeysAreStableAcrossVersions_IncludingLongPromptsAndBinaryParts()
    {
        Assert.Equal("llmb:cache:chat:5EA0FA33A042EC9D4A4FEC740F0F22333AFE83E4C67E6DCFBCB68D296BF3EB22", Key(Request()));
        Assert.Equal("llmb:cache:chat:AE47386824F3E02D593D101A0DBA7395D329F4794EA75A5D192728CB9386A801", Key(Request(r => r.Messages.Add(new ChatMessage { Content = new string('x', 100_000) + "\u00e9\u4e2d" }))));
        Assert.Equal("llmb:cache:chat:2A7D3191BEE56EF71673AE32D7F1F1395472EDCF5CD939C48054553AE577C823", Key(Request(r => r.Messages.Add(new ChatMessage { Parts = [ContentPart.FromText("look"), ContentPart.FromImageBytes(new byte[] { 1, 2, 3 }, "image/png")] }))));
        Assert.Equal("llmb:cache:completion:F46B8897FF288579F84F561E95CDB0F0A7EEB554AF9E4D6D661C2B573BB6CA46", ResponseCacheKeys.For(new LlmRequest { Model = "m", Prompt = "p", Temperature = 0 }, "team", Prefix));
        Assert.Equal("llmb:cache:embedding:4284DA96D3965209969110761053D04F0FF36BC6F2885C596F27A7E0B84EF2E0", ResponseCacheKeys.For(new EmbeddingRequest { Model = "e", Inputs = ["a", "b"] }, null, Prefix));
    }

    [Fact]
    public void For_AKeyThatCouldNotBeWritten_DoesNotSpoilTheNextOnTheSameThread()
    {
        var expected = Key(Request());

        // An extension value nested deeper than a JSON writer goes: the writer throws halfway through the canonical form,
        // after a long model name has already gone into the hash.
        var deep = JsonDocument.Parse(new string('[', 1200) + new string(']', 1200), new JsonDocumentOptions { MaxDepth = 2000 }).RootElement.Clone();
        Assert.ThrowsAny<InvalidOperationException>(() => Key(Request(r =>
        {
            r.Model = new string('m', 20_000);
            r.AdditionalProperties = new() { ["deep"] = deep };
        })));

        Assert.Equal(expected, Key(Request()));
    }

    [Fact]
    public async Task For_ManyThreadsAtOnce_GetTheKeysOneThreadGets()
    {
        var requests = Enumerable.Range(0, 64).Select(i => Request(r => r.Messages.Add(new ChatMessage { Content = new string('q', i * 300) + i }))).ToArray();
        var expected = requests.Select(r => Key(r)).ToArray();
        Assert.Equal(requests.Length, expected.Distinct().Count());

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var round = 0; round < 50; round++)
            {
                var i = (worker * 7 + round * 13) % requests.Length;
                Assert.Equal(expected[i], Key(requests[i]));
            }
        }));
        await Task.WhenAll(workers);
    }
}
