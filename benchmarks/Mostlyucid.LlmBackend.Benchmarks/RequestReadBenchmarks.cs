using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// Reading a client's chat request, as the gateway did before its security work (deserialized straight from the body
/// stream) and as it does now (the body buffered, checked for invalid UTF-8 and unpaired escaped surrogates, then
/// deserialized), for a small request, a 30-message conversation sent as raw UTF-8, and the same conversation with
/// non-ASCII escaped as \uXXXX (how Python's json.dumps sends it, emoji as surrogate pairs: the check's slow path).
/// </summary>
[MemoryDiagnoser]
public class RequestReadBenchmarks
{
    private static readonly JsonSerializerOptions Escaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default };
    private static readonly JsonSerializerOptions Raw = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private byte[] _body = null!;

    [Params("small", "conversation", "conversation-escaped")]
    public string Body { get; set; } = "small";

    [GlobalSetup]
    public void Setup() => _body = Body switch
    {
        "small" => Payloads.ClientRequest,
        "conversation" => Conversation(escaped: false),
        _ => Conversation(escaped: true),
    };

    /// <summary>Before: <c>JsonSerializer.DeserializeAsync</c> on the request stream.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> StreamDeserialize()
    {
        var context = GatewayFixture.Context(_body, Stream.Null);
        var request = await JsonSerializer.DeserializeAsync(context.Request.Body, OpenAiJsonContext.Default.OpenAiChatRequest).ConfigureAwait(false);
        return request!.Messages!.Count;
    }

    /// <summary>Now: <c>RequestBody.ReadAsync</c> — buffered, text-checked, deserialized.</summary>
    [Benchmark]
    public async Task<int> BufferedCheckedDeserialize()
    {
        var context = GatewayFixture.Context(_body, Stream.Null);
        var (request, _, _, _) = await RequestBody.ReadAsync(context, OpenAiJsonContext.Default.OpenAiChatRequest).ConfigureAwait(false);
        return request!.Messages!.Count;
    }

    private static byte[] Conversation(bool escaped)
    {
        var messages = new List<object> { new { role = "system", content = "You are a careful assistant. Réponds en français si on te parle français. 日本語も大丈夫です。" } };
        for (var i = 0; i < 29; i++)
        {
            messages.Add(new
            {
                role = i % 2 == 0 ? "user" : "assistant",
                content = $"Message {i}: " + string.Concat(Enumerable.Repeat("Le café est très bon, naïve façade — ça va? 😀 Quick brown fox. ", 8)),
            });
        }

        var options = escaped ? Escaped : Raw;
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { model = "up0", max_tokens = 256, temperature = 0.7, messages }, options));
    }
}
