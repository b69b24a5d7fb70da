using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Health;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>The gate's parts, each on its own: the key-less policy, the text check and the readiness probe's rate limit.</summary>
public sealed class GatewayPartsTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("fe80::1", false)]
    public void Keyless_RefusesConnectionsFromOtherMachines_WhateverTheirHost(string remote, bool served)
    {
        var policy = new KeylessRequestPolicy(new GatewaySettings(), keysRequired: false);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Host = new HostString("localhost", 5000);

        Assert.Equal(served, policy.Refusal(context.Request) is null);
    }

    [Fact]
    public void WithKeys_ThePolicyLeavesEverythingToTheKeyCheck()
    {
        var policy = new KeylessRequestPolicy(new GatewaySettings(), keysRequired: true);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        context.Request.Host = new HostString("gateway.example.com");
        context.Request.Headers.Origin = "https://elsewhere.example";

        Assert.Null(policy.Refusal(context.Request));
    }

    [Theory]
    [InlineData("""{"a":"plain ascii","b":["é","日本"]}""", null)]
    [InlineData("""{"a":"\ud83d\ude00 pair"}""", null)]
    [InlineData("""{"a":"\\ud800 is text, not an escape"}""", null)]
    [InlineData("""{"a":"\\\\\ud83d\ude00"}""", null)]
    [InlineData("""{"a":"x\ud800"}""", "a")]
    [InlineData("""{"a":"\udc00"}""", "a")]
    [InlineData("""{"a":"\ud800\u0041"}""", "a")]
    [InlineData("""{"a":[{"b":"ok"},{"c":["fine","\ude00"]}]}""", "a[1].c[1]")]
    [InlineData("""{"messages":[{"role":"user","content":"a"},{"role":"user","content":"\ud800"}]}""", "messages[1].content")]
    public void TextCheck_FindsUnpairedSurrogates_AndNamesTheField(string json, string? field)
    {
        var problem = JsonTextCheck.Find(Encoding.UTF8.GetBytes(json));

        Assert.Equal(field is not null, problem is not null);
        Assert.Equal(field, problem?.Field);
    }

    [Fact]
    public void TextCheck_FindsBytesThatAreNotUtf8()
    {
        byte[] json = [.. Encoding.UTF8.GetBytes("""{"ok":"x","bad":"a"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")];

        var problem = JsonTextCheck.Find(json);

        Assert.Equal("bad", problem?.Field);
    }

    [Fact]
    public async Task Probe_ACallerWhoHangsUp_DoesNotStartAnother()
    {
        var llm = new SlowProbeService();
        var probe = new ReadinessProbe(llm, TimeProvider.System, new GatewayConfiguration(new GatewaySnapshot(new GatewaySettings { HealthProbeIntervalSeconds = 60 })));

        for (var i = 0; i < 5; i++)
        {
            using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.ProbeAsync(hangUp.Token));
        }

        llm.Answer.SetResult(new Dictionary<string, bool> { ["a"] = true });
        var (reachable, _) = await probe.ProbeAsync(CancellationToken.None);

        Assert.Equal(1, llm.Probes);
        Assert.True(reachable["a"]);
    }

    /// <summary>A service whose availability check waits until the test answers, counting the checks.</summary>
    private sealed class SlowProbeService() : DelegatingLlmService(new NoService())
    {
        public TaskCompletionSource<IReadOnlyDictionary<string, bool>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Probes { get; private set; }

        public override Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default)
        {
            Probes++;
            return Answer.Task;
        }
    }

    private sealed class NoService : ILlmService
    {
        public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException("not used by these tests");

        public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException("not used by these tests");

        public IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException("not used by these tests");

        public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException("not used by these tests");

        public Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default) => throw new NotSupportedException("not used by these tests");

        public IReadOnlyList<RoutableModel> GetRoutableModels() => Array.Empty<RoutableModel>();

        public IReadOnlyList<BackendInfo> GetBackends() => Array.Empty<BackendInfo>();

        public LlmServiceStatistics GetStatistics() => new();

        public Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<BackendHealth>>(Array.Empty<BackendHealth>());

        public Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException("not used by these tests");
    }
}
