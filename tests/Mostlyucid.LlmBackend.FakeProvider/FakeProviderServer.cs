using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.FakeProvider;

/// <summary>
/// A fake LLM provider on real Kestrel, bound to 127.0.0.1 on a free port, speaking OpenAI's chat completions format
/// (<c>POST /v1/chat/completions</c>, <c>GET /v1/models</c>). It records every request, checks the API key, validates the
/// body the way the real API does (400 with OpenAI's error shape), and fails on demand by model name:
/// <list type="bullet">
/// <item><c>error-&lt;status&gt;</c> answers that status (429s carry <c>Retry-After: 2</c>);</item>
/// <item><c>context-too-long</c> and <c>content-filtered</c> answer 400 with OpenAI's codes for those;</item>
/// <item><c>garbage-response</c> answers 200 with a body that is not JSON.</item>
/// </list>
/// <see cref="ForcedStatus"/> makes every request fail, as in an outage.
/// </summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _completionCounter;

    private FakeProviderServer(WebApplication app, FakeProviderOptions options)
    {
        _app = app;
        Options = options;
    }

    /// <summary>Gets the server's base URL, for example <c>http://127.0.0.1:43117</c> (no trailing slash, no path).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets the behaviour settings; changes apply to the next request.</summary>
    public FakeProviderOptions Options { get; }

    /// <summary>Gets or sets a status every request answers with (an outage) until set back to <see langword="null"/>.</summary>
    public int? ForcedStatus { get; set; }

    /// <summary>Gets the requests received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Gets the chat completion requests received so far.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => _requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToArray();

    /// <summary>Starts a server.</summary>
    /// <param name="options">Its behaviour; defaults when <see langword="null"/>.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeProviderServer> StartAsync(FakeProviderOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeProviderServer(app, options ?? new FakeProviderOptions());
        server.MapEndpoints();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/');
        return server;
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void MapEndpoints()
    {
        _app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            context.Request.Body.Position = 0;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));

            if (ForcedStatus is { } forced)
            {
                await WriteErrorAsync(context, forced, "The fake provider is in a forced outage.", "server_error", null).ConfigureAwait(false);
                return;
            }

            if (Options.RequiredApiKey is { } key && context.Request.Headers.Authorization.ToString() != $"Bearer {key}")
            {
                await WriteErrorAsync(context, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

        _app.MapGet("/v1/models", (HttpContext context) => WriteJsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(Options.Models.Select(m => (JsonNode)new JsonObject
            {
                ["id"] = m,
                ["object"] = "model",
                ["created"] = 1_700_000_000,
                ["owned_by"] = "fake-provider",
            }).ToArray()),
        }));

        _app.MapPost("/v1/chat/completions", ChatCompletionsAsync);
    }

    private async Task ChatCompletionsAsync(HttpContext context)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, 400, $"We could not parse the JSON body of your request. ({ex.Message})", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }

        var model = body?["model"]?.GetValue<string>();
        if (string.IsNullOrEmpty(model))
        {
            await WriteErrorAsync(context, 400, "you must provide a model parameter", "invalid_request_error", null, "model").ConfigureAwait(false);
            return;
        }

        if (body!["messages"] is not JsonArray { Count: > 0 } messages)
        {
            await WriteErrorAsync(context, 400, "'messages' is a required property and must be a non-empty array", "invalid_request_error", null, "messages").ConfigureAwait(false);
            return;
        }

        switch (model)
        {
            case "context-too-long":
                await WriteErrorAsync(context, 400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", "invalid_request_error", "context_length_exceeded", "messages").ConfigureAwait(false);
                return;
            case "content-filtered":
                await WriteErrorAsync(context, 400, "The response was filtered due to the prompt triggering content management policy.", "invalid_request_error", "content_filter", "prompt").ConfigureAwait(false);
                return;
            case "garbage-response":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("<html>502 Bad Gateway</html>", context.RequestAborted).ConfigureAwait(false);
                return;
        }

        if (model.StartsWith("error-", StringComparison.Ordinal) && int.TryParse(model.AsSpan(6), out var status))
        {
            if (status == 429)
            {
                context.Response.Headers.RetryAfter = "2";
            }

            await WriteErrorAsync(context, status, $"Injected error {status} for model {model}.", status >= 500 ? "server_error" : "invalid_request_error", null).ConfigureAwait(false);
            return;
        }

        if (Options.RejectUnknownModels && !Options.Models.Contains(model))
        {
            await WriteErrorAsync(context, 404, $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found").ConfigureAwait(false);
            return;
        }

        var lastUser = messages.LastOrDefault(m => m?["role"]?.GetValue<string>() == "user")?["content"]?.GetValue<string>() ?? string.Empty;
        var reply = Options.Reply(model, lastUser);
        var promptTokens = messages.Sum(m => CountWords(m?["content"]?.GetValue<string>()));
        var completionTokens = CountWords(reply);
        var id = Interlocked.Increment(ref _completionCounter);
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["id"] = $"chatcmpl-fake-{id}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        }).ConfigureAwait(false);
    }

    private static int CountWords(string? text) =>
        string.IsNullOrWhiteSpace(text) ? 0 : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? code, string? param = null) =>
        WriteJsonAsync(context, status, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
