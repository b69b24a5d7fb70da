using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Benchmarks.FakeUpstream;

/// <summary>The upstream's answers, computed once as bytes: a completion, and a stream's chunks.</summary>
internal sealed class UpstreamResponses
{
    private static readonly byte[] StreamTrue = "\"stream\":true"u8.ToArray();
    private static readonly byte[] StreamTrueSpaced = "\"stream\": true"u8.ToArray();

    public UpstreamResponses(int chunks)
    {
        Completion = Encoding.UTF8.GetBytes(
            """{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"fake-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}""");

        // OpenAI sends the role with empty content first; it is sent together with the first token, so the first
        // content reaches the client at the same moment through every path.
        First = Encoding.UTF8.GetBytes(Chunk("""{"role":"assistant","content":""}""", null) + Chunk("""{"content":"Hello"}""", null));
        var rest = new List<byte[]>();
        for (var i = 1; i < chunks; i++)
        {
            rest.Add(Encoding.UTF8.GetBytes(Chunk($$"""{"content":" token{{i}}"}""", null)));
        }

        rest.Add(Encoding.UTF8.GetBytes(Chunk("{}", "\"stop\"") + "data: [DONE]\n\n"));
        Rest = rest;
    }

    public byte[] Completion { get; }

    public byte[] First { get; }

    public IReadOnlyList<byte[]> Rest { get; }

    /// <summary>Reads the whole body and tells whether it asks for a stream.</summary>
    public static async Task<bool> WantsStreamAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                var found = Contains(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                return found;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static bool Contains(ReadOnlySequence<byte> buffer)
    {
        var bytes = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.ToArray();
        return bytes.IndexOf(StreamTrue) >= 0 || bytes.IndexOf(StreamTrueSpaced) >= 0;
    }

    private static string Chunk(string delta, string? finish) =>
        $$"""data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake-model","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finish ?? "null"}}}]}""" + "\n\n";
}
