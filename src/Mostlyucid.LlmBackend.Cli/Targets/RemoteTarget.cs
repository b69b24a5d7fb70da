using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Cli.Targets;

/// <summary>
/// A running gateway over HTTP with a gateway key: chat through <c>/v1/chat/completions</c> (streamed, with usage and
/// cost), models from <c>/v1/models</c>, backends from <c>/health/ready</c>, usage from <c>/admin/usage</c> (an Admin key).
/// </summary>
internal sealed class RemoteTarget : ILlmbTarget
{
    private readonly HttpClient _http;

    public RemoteTarget(string url, string? key)
    {
        var baseUrl = url.TrimEnd('/');
        if (baseUrl.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            baseUrl = baseUrl[..^3];
        }

        if (!Uri.TryCreate(baseUrl + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url '{url}' is not an http(s) address of a gateway, such as http://127.0.0.1:5000.");
        }

        _http = new HttpClient { BaseAddress = root, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(key))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        Description = $"gateway {baseUrl}";
    }

    public string Description { get; }

    public async Task<ChatTurn> ChatAsync(IReadOnlyList<ChatMessage> messages, string? model, Action<string> onText, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = model ?? "auto",
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.GetText() }).ToArray()),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var backend = Header(response, "x-llmb-backend");
        var attempts = int.TryParse(Header(response, "x-llmb-attempts"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (!response.IsSuccessStatusCode)
        {
            var (message, kind) = ErrorOf(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), response);
            return new ChatTurn { Error = message, ErrorKind = kind, Backend = backend, Attempts = attempts };
        }

        var text = new StringBuilder();
        string? modelUsed = null, finish = null;
        LlmUsage? usage = null;
        decimal? cost = null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var done = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[5..].Trim();
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            var chunk = JsonNode.Parse(data);
            if (chunk?["error"] is JsonObject error)
            {
                return new ChatTurn { Text = text.ToString(), Error = error["message"]?.GetValue<string>() ?? "The gateway reported an error.", ErrorKind = error["type"]?.GetValue<string>(), Backend = backend, Attempts = attempts, Model = modelUsed };
            }

            modelUsed = chunk?["model"]?.GetValue<string>() ?? modelUsed;
            if (chunk?["choices"] is JsonArray { Count: > 0 } choices)
            {
                if (choices[0]?["delta"]?["content"] is JsonValue content && content.TryGetValue<string>(out var delta) && delta.Length > 0)
                {
                    text.Append(delta);
                    onText(delta);
                }

                finish = choices[0]?["finish_reason"] is JsonValue reason && reason.TryGetValue<string>(out var r) ? r : finish;
            }

            if (chunk?["usage"] is JsonObject u)
            {
                usage = new LlmUsage
                {
                    PromptTokens = u["prompt_tokens"]?.GetValue<int>() ?? 0,
                    CompletionTokens = u["completion_tokens"]?.GetValue<int>() ?? 0,
                    TotalTokens = u["total_tokens"]?.GetValue<int>() ?? 0,
                };
                cost = u["cost_usd"] is JsonValue c && c.TryGetValue<decimal>(out var dollars) ? dollars : cost;
            }
        }

        return done
            ? new ChatTurn { Text = text.ToString(), Backend = backend, Model = modelUsed, Attempts = attempts, Usage = usage, CostUsd = cost, FinishReason = finish }
            : new ChatTurn { Text = text.ToString(), Backend = backend, Model = modelUsed, Attempts = attempts, Error = "The gateway's stream ended before the answer finished.", ErrorKind = "IncompleteAnswer" };
    }

    public async Task<IReadOnlyList<ModelRow>> ModelsAsync(CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync("v1/models", cancellationToken).ConfigureAwait(false);
        return (json["data"] as JsonArray ?? new JsonArray())
            .Select(m => new ModelRow(m?["id"]?.GetValue<string>() ?? "?", m?["owned_by"]?.GetValue<string>() ?? "gateway", Array.Empty<string>()))
            .ToArray();
    }

    public async Task<IReadOnlyList<BackendRow>> BackendsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "health/ready"), cancellationToken).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject
            ?? throw new InvalidOperationException("The gateway's /health/ready did not answer JSON.");
        if (json["backends"] is not JsonArray backends)
        {
            throw new InvalidOperationException("The gateway lists its backends only to a caller with a gateway key: pass --key (or set LLMB_KEY).");
        }

        return backends.Select(b => new BackendRow(
            b?["name"]?.GetValue<string>() ?? "?",
            b?["type"]?.GetValue<string>() ?? "?",
            b?["status"]?.GetValue<string>() ?? "?",
            b?["healthy"]?.GetValue<bool>() == true ? "healthy" : "unhealthy",
            b?["circuit"]?.GetValue<string>() ?? "—",
            null,
            b?["last_error"]?.GetValue<string>() ?? b?["reason"]?.GetValue<string>())).ToArray();
    }

    public async Task<IReadOnlyList<UsageTotal>> UsageAsync(UsageGrouping groupBy, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var group = groupBy == UsageGrouping.Caller ? "key" : groupBy.ToString().ToLowerInvariant();
        var path = $"admin/usage?group_by={group}&from={Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}";
        var json = await GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
        return (json["totals"] as JsonArray ?? new JsonArray()).Select(g => new UsageTotal
        {
            Key = g?["key"]?.GetValue<string>() ?? "?",
            Requests = g?["requests"]?.GetValue<long>() ?? 0,
            Failed = g?["failed"]?.GetValue<long>() ?? 0,
            PromptTokens = g?["prompt_tokens"]?.GetValue<long>() ?? 0,
            CompletionTokens = g?["completion_tokens"]?.GetValue<long>() ?? 0,
            CostUsd = g?["cost_usd"]?.GetValue<decimal>() ?? 0,
            UnpricedRequests = g?["unpriced_requests"]?.GetValue<long>() ?? 0,
        }).ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static (string Message, string? Kind) ErrorOf(string body, HttpResponseMessage response)
    {
        try
        {
            if (JsonNode.Parse(body)?["error"] is JsonObject error)
            {
                return (error["message"]?.GetValue<string>() ?? body, error["type"]?.GetValue<string>());
            }
        }
        catch (JsonException)
        {
            // Not the gateway's error shape; say what came back.
        }

        return ($"The gateway answered HTTP {(int)response.StatusCode}: {(body.Length > 300 ? body[..300] + "…" : body)}", null);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"Could not reach the gateway at {_http.BaseAddress}: {ex.Message}. Is it running (llmb serve)?", ex);
        }
    }

    private async Task<JsonObject> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(ErrorOf(body, response).Message);
        }

        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidOperationException($"The gateway's /{path} did not answer a JSON object.");
    }
}
