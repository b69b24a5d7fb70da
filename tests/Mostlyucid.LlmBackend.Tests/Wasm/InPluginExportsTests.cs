using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>
/// A plugin of the older QueryMT kind, without chat_request and the parsers (Wasm/Plugins/in_plugin.c): the host calls its
/// chat, chat_stream, embed, complete and list_models, and the plugin does its own HTTP through qmt_http_request and
/// qmt_http_stream_*, which the host sends with the backend's client (to allowed hosts only).
/// </summary>
public sealed class InPluginExportsTests
{
    [Fact]
    public async Task Chat_StreamWithTheFirstDone_Embeddings_AndModels_AllWork()
    {
        var upstream = new PluginUpstream();
        using var host = Host(upstream);
        Assert.Equal(BackendStatus.Ready, Assert.Single(host.Llm.GetBackends(), b => b.Name == "in-plugin").Status);

        var chat = await host.Llm.ChatAsync(new ChatRequest { Model = "m", Messages = { new ChatMessage { Content = "Hi there" } } });
        Assert.True(chat.Success, chat.ErrorMessage);
        Assert.Equal("Hello from inside the plugin", chat.Content);
        Assert.Equal(FinishReasons.Stop, chat.FinishReason);
        Assert.Contains("Hi there", upstream.Bodies["chat"], StringComparison.Ordinal);

        var text = new StringBuilder();
        string? finish = null;
        await foreach (var update in host.Llm.StreamChatAsync(new ChatRequest { Model = "m", Messages = { new ChatMessage { Content = "Stream it" } } }))
        {
            text.Append(update.ContentDelta);
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello", text.ToString());
        Assert.Equal(FinishReasons.Length, finish); // the first done wins over the Stop at [DONE]
        Assert.Contains("\"stream\":true", upstream.Bodies["stream"], StringComparison.Ordinal);

        var embedded = await host.Llm.EmbedAsync(new EmbeddingRequest { Inputs = { "a" } });
        Assert.True(embedded.Success, embedded.Error?.Message);
        Assert.Equal(new[] { 0.5f, 0.25f }, embedded.Embeddings[0]);

        var models = await host.Llm.ListModelsAsync("in-plugin");
        Assert.Contains(models.Models, m => m.Id == "plugin-model-1" && m.BackendName == "in-plugin");

        Assert.All(upstream.Hosts, h => Assert.Equal("upstream.test", h));
    }

    [Fact]
    public async Task AnErrorStatus_ReachesThePlugin_AndItsFailureIsTheAnswersError()
    {
        var upstream = new PluginUpstream { ChatStatus = HttpStatusCode.ServiceUnavailable };
        using var host = Host(upstream);

        var chat = await host.Llm.ChatAsync(new ChatRequest { Model = "m", Messages = { new ChatMessage { Content = "Hi" } } });

        Assert.False(chat.Success);
        Assert.Contains("overloaded upstream", chat.ErrorMessage, StringComparison.Ordinal);
    }

    private static LlmTestHost Host(PluginUpstream upstream) => LlmTestHost.Create(
        s => s.Backends.Add(new LlmBackendConfig { Name = "in-plugin", Type = WasmBackendPlugin.WasmType, PluginPath = WasmSamples.InPlugin, Priority = 1, EmbeddingModelName = "embedder" }),
        services: s =>
        {
            s.AddLlmBackendWasm();
            s.AddHttpClient(BuiltInProvidersPlugin.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => upstream);
        });

    /// <summary>Does the provider's part: answers each of the plugin's requests with what its export must output.</summary>
    private sealed class PluginUpstream : HttpMessageHandler
    {
        public HttpStatusCode ChatStatus { get; init; } = HttpStatusCode.OK;

        public ConcurrentDictionary<string, string> Bodies { get; } = new();

        public ConcurrentBag<string> Hosts { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath.Trim('/');
            Hosts.Add(request.RequestUri.Host);
            Bodies[path] = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var (status, body) = path switch
            {
                "chat" when ChatStatus != HttpStatusCode.OK => (ChatStatus, "overloaded upstream"),
                "chat" => (HttpStatusCode.OK, """{"text":"Hello from inside the plugin","tool_calls":null,"thinking":null,"usage":{"input_tokens":3,"output_tokens":5},"finish_reason":"Stop"}"""),
                "stream" => (HttpStatusCode.OK, string.Join('\n',
                    """{"chunk":{"text":"Hel"},"usage":null}""",
                    """{"chunk":{"text":"lo"},"usage":null}""",
                    """{"chunk":{"done":{"finish_reason":"Length"}},"usage":null}""",
                    """{"chunk":{"done":{"finish_reason":"Stop"}},"usage":null}""") + "\n"),
                "embed" => (HttpStatusCode.OK, "[[0.5,0.25]]"),
                "models" => (HttpStatusCode.OK, """["plugin-model-1","plugin-model-2"]"""),
                _ => (HttpStatusCode.NotFound, "no such path"),
            };
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
