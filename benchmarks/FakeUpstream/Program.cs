// A fast fake OpenAI chat completions upstream for the load harness (benchmarks/run-load.sh).
//   dotnet FakeUpstream.dll --listen 9100:0 --listen 9120:20 --listen 9101:0:10 --chunks 10 --chunk-interval-ms 200
// Each --listen PORT:LATENCY_MS[:CHUNK_INTERVAL_MS] opens a loopback port that waits LATENCY_MS before answering (0
// answers at once) and spaces its stream chunks CHUNK_INTERVAL_MS apart (else --chunk-interval-ms).
// POST …/chat/completions answers a fixed completion, or with "stream":true in the body an SSE stream: the role and the
// first token at once (after the port's latency), then the remaining chunks every --chunk-interval-ms, the finish chunk
// and [DONE]. Responses are precomputed bytes; the request body is read and only searched for "stream":true.
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Benchmarks.FakeUpstream;

var options = UpstreamOptions.Parse(args);
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>() });
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxConcurrentConnections = null;
    foreach (var port in options.Latencies.Keys)
    {
        kestrel.Listen(System.Net.IPAddress.Loopback, port);
    }
});

var app = builder.Build();
var responses = new UpstreamResponses(options.Chunks);
long hits = 0;
app.Run(async context =>
{
    var request = context.Request;
    if (HttpMethods.IsGet(request.Method) && request.Path == "/hits")
    {
        await context.Response.WriteAsync(Interlocked.Read(ref hits).ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return;
    }

    if (!HttpMethods.IsPost(request.Method) || !request.Path.Value!.EndsWith("/chat/completions", StringComparison.Ordinal))
    {
        context.Response.StatusCode = 404;
        return;
    }

    Interlocked.Increment(ref hits);
    var stream = await UpstreamResponses.WantsStreamAsync(request, context.RequestAborted).ConfigureAwait(false);
    var latency = options.Latencies[context.Connection.LocalPort];
    if (latency > 0)
    {
        await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
    }

    var response = context.Response;
    if (!stream)
    {
        response.ContentType = "application/json";
        response.ContentLength = responses.Completion.Length;
        await response.Body.WriteAsync(responses.Completion, context.RequestAborted).ConfigureAwait(false);
        return;
    }

    response.ContentType = "text/event-stream";
    response.Headers.CacheControl = "no-cache";
    await response.Body.WriteAsync(responses.First, context.RequestAborted).ConfigureAwait(false);
    await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    var interval = options.ChunkIntervalFor(context.Connection.LocalPort);
    foreach (var chunk in responses.Rest)
    {
        if (interval > 0)
        {
            await Task.Delay(interval, context.RequestAborted).ConfigureAwait(false);
        }

        await response.Body.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
});

Console.WriteLine($"fake upstream: {string.Join(", ", options.Latencies.Select(l => $"127.0.0.1:{l.Key} ({l.Value} ms, stream chunks every {options.ChunkIntervalFor(l.Key)} ms)"))}; streams of {options.Chunks} chunks");
await app.RunAsync().ConfigureAwait(false);
