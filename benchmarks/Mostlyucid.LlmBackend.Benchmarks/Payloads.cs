using System.Text;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>The bytes the benchmarks send and answer with: a small chat request, an upstream's answer and its stream.</summary>
internal static class Payloads
{
    public static readonly byte[] ClientRequest = Encoding.UTF8.GetBytes(
        """{"model":"up0","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello."}],"max_tokens":16,"temperature":0.2}""");

    public static readonly byte[] ClientStreamRequest = Encoding.UTF8.GetBytes(
        """{"model":"up0","stream":true,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello."}],"max_tokens":16,"temperature":0.2}""");

    public static readonly byte[] UpstreamCompletion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"fake-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}}""");

    /// <summary>One chunk's JSON, as an upstream streams it.</summary>
    public const string UpstreamChunkJson =
        """{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake-model","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]}""";

    /// <summary>A whole upstream stream: the role with the first token, <paramref name="chunks"/> − 1 more, the finish and [DONE].</summary>
    public static byte[] UpstreamStream(int chunks)
    {
        var text = new StringBuilder();
        text.Append("data: ").Append("""{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""").Append("\n\n");
        text.Append("data: ").Append("""{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake-model","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""").Append("\n\n");
        for (var i = 1; i < chunks; i++)
        {
            text.Append("data: ").Append(UpstreamChunkJson).Append("\n\n");
        }

        text.Append("data: ").Append("""{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1700000000,"model":"fake-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""").Append("\n\n");
        text.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
