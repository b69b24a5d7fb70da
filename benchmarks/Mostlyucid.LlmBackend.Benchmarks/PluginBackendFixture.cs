using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// The library as the gateway sets it up (default resilience settings, logging at Warning, <c>AddLlmBackendWasm</c>), with
/// two backends of one kind — the built-in OpenAI provider, or a sample plugin — in front of the same in-memory upstream:
/// <see cref="ShortStreams"/> streams one content chunk, <see cref="LongStreams"/> <see cref="LongStreamChunks"/>, each
/// event in its own read, as events arrive from a real upstream.
/// Non-streamed chats go to <see cref="ShortStreams"/>. Every answer is checked once before it is timed.
/// </summary>
internal sealed class PluginBackendFixture : IDisposable
{
    /// <summary>The backend (and so the request's model) whose streams carry one content chunk.</summary>
    public const string ShortStreams = "s1";

    /// <summary>The backend whose streams carry <see cref="LongStreamChunks"/> content chunks.</summary>
    public const string LongStreams = "s100";

    /// <summary>The content chunks of a long stream.</summary>
    public const int LongStreamChunks = 100;

    private const int ShortStreamPort = 9101;
    private const int LongStreamPort = 9102;

    private readonly ServiceProvider _services;

    public PluginBackendFixture(PluginUnderTest plugin)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddLlmBackend(settings =>
        {
            settings.Backends.Add(Backend(plugin, ShortStreams, ShortStreamPort));
            settings.Backends.Add(Backend(plugin, LongStreams, LongStreamPort));
        });
        services.AddLlmBackendWasm();
        services.AddHttpClient(BuiltInProvidersPlugin.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new InMemoryUpstream(1, new Dictionary<int, int> { [ShortStreamPort] = 1, [LongStreamPort] = LongStreamChunks }, eventPerRead: true));
        _services = services.BuildServiceProvider();
        Llm = _services.GetRequiredService<ILlmService>();
    }

    public ILlmService Llm { get; }

    /// <summary>A chat of a system and a user message, like the gateway benchmarks' client request, to <paramref name="backend"/>.</summary>
    public static ChatRequest Request(string backend) => new()
    {
        Model = backend,
        MaxTokens = 16,
        Temperature = 0.2,
        Messages =
        {
            new ChatMessage { Role = ChatRole.System, Content = "You are terse." },
            new ChatMessage { Role = ChatRole.User, Content = "Say hello." },
        },
    };

    /// <summary>Sends one chat and one stream of each length, and fails if any answer is not the upstream's.</summary>
    public void Check(ChatRequest chat, ChatRequest shortStream, ChatRequest longStream)
    {
        var answer = Llm.ChatAsync(chat).GetAwaiter().GetResult();
        if (!answer.Success || answer.Content != "Hello from the fake upstream.")
        {
            throw new InvalidOperationException($"The chat through {answer.BackendUsed ?? "?"} failed: {answer.ErrorMessage ?? answer.Content}");
        }

        foreach (var (request, chunks) in new[] { (shortStream, 1), (longStream, LongStreamChunks) })
        {
            var updates = CountContentAsync(Llm.StreamChatAsync(request)).GetAwaiter().GetResult();
            if (updates != chunks)
            {
                throw new InvalidOperationException($"The stream through {request.Model} gave {updates} content updates, not {chunks}.");
            }
        }
    }

    /// <summary>Reads a stream to its end; returns how many updates carried content.</summary>
    public static async Task<int> CountContentAsync(IAsyncEnumerable<ChatStreamUpdate> stream)
    {
        var count = 0;
        await foreach (var update in stream.ConfigureAwait(false))
        {
            if (!string.IsNullOrEmpty(update.ContentDelta))
            {
                count++;
            }
        }

        return count;
    }

    public void Dispose() => _services.Dispose();

    private static LlmBackendConfig Backend(PluginUnderTest plugin, string name, int port) => new()
    {
        Name = name,
        Type = plugin switch
        {
            PluginUnderTest.BuiltIn => "OpenAI",
            PluginUnderTest.NativeC => WasmBackendPlugin.NativeType,
            _ => WasmBackendPlugin.WasmType,
        },
        PluginPath = plugin == PluginUnderTest.BuiltIn ? null : RepositoryFiles.SamplePlugin(plugin),
        BaseUrl = $"http://127.0.0.1:{port}/v1",
        ApiKey = "sk-fake",
        ModelName = "m",
    };
}
