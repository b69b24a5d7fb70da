using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.FakeProvider.Faults;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Resilience;

/// <summary>
/// The resilience discipline under load, bounded to a few seconds: three backends that each fail 30% of requests at random
/// (error statuses, resets, early ends, garbled events, stalls — the fake provider's <c>flap=</c> fault), many concurrent
/// streaming and non-streaming requests through the gateway over real HTTP. Every request must end complete (exactly the
/// story) or with a clean, typed error — never a truncated or garbled answer presented as success — and the gateway's
/// counts must add up to what the clients and the upstream saw.
/// </summary>
public sealed class FlappingBackendsLoadTests : IAsyncDisposable
{
    private const int Requests = 2000;
    private const int Concurrency = 100;
    private const string Route = "flapping";
    private FakeProviderServer? _upstream;
    private TestGateway? _gateway;

    private enum Outcome
    {
        Complete,
        CleanError,
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task ThreeFlappingBackends_EveryRequestCompleteOrCleanlyFailed_AndTheCountsAddUp()
    {
        await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(_gateway!.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var outcomes = new ConcurrentBag<(bool Stream, Outcome Outcome, string Detail)>();
        var violations = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
        {
            var stream = i % 2 == 1;
            try
            {
                var (outcome, detail) = stream ? await StreamAsync(http, ct) : await CompleteAsync(http, ct);
                outcomes.Add((stream, outcome, detail));
            }
            catch (BadAnswerException ex)
            {
                violations.Add($"request {i} ({(stream ? "streamed" : "not streamed")}): {ex.Message}");
            }
        });

        Assert.True(violations.IsEmpty, string.Join(Environment.NewLine, violations));
        Assert.Equal(Requests, outcomes.Count);
        var complete = outcomes.Count(o => o.Outcome == Outcome.Complete);
        var failed = outcomes.Count(o => o.Outcome == Outcome.CleanError);

        // With 30% faults, a retry, two other backends and continuation of broken streams, nearly every request is answered.
        Assert.True(complete >= Requests * 0.95, $"only {complete} of {Requests} complete: " + string.Join(" | ", outcomes.Where(o => o.Outcome == Outcome.CleanError).Take(5).Select(o => o.Detail)));
        Assert.Contains(outcomes, o => o.Stream && o.Outcome == Outcome.Complete);
        Assert.Contains(outcomes, o => !o.Stream && o.Outcome == Outcome.Complete);

        var statistics = _gateway.Services.GetRequiredService<ILlmService>().GetStatistics();
        Assert.Equal(Requests, statistics.TotalRequests);
        Assert.Equal(complete, statistics.SuccessfulRequests);
        Assert.Equal(failed, statistics.FailedRequests);

        // Every attempt the gateway recorded against a backend reached the upstream, and each success was billed to exactly
        // one backend. The upstream may see slightly more: when a pooled connection is reset before any response byte
        // (the "reset" fault), SocketsHttpHandler itself sends the request again on a new connection — one attempt for us.
        var perBackend = statistics.Backends.ToDictionary(b => b.BackendName);
        foreach (var name in new[] { "a", "b", "c" })
        {
            var received = _upstream!.Conversations.Count(c => c.Model == "story-" + name);
            var recorded = perBackend[name].SuccessfulRequests + perBackend[name].FailedRequests;
            Assert.InRange(received, recorded, recorded + (recorded / 50));
        }

        Assert.Equal(complete, statistics.Backends.Sum(b => b.SuccessfulRequests));
    }

    private async Task StartAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai", Seed = 2026 });
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Error",
            ["LlmSettings:TimeoutSeconds"] = "3",
            ["LlmSettings:Resilience:MaxRetries"] = "1",
            ["LlmSettings:Resilience:RetryBaseDelayMs"] = "10",
            ["LlmSettings:Resilience:RetryMaxDelayMs"] = "50",
            ["LlmSettings:Resilience:FirstTokenTimeoutSeconds"] = "2",
            ["LlmSettings:Resilience:IdleTimeoutSeconds"] = "1",
            ["LlmSettings:Resilience:CircuitBreaker:BreakSeconds"] = "1",
            ["LlmSettings:Routes:0:Name"] = Route,
            ["LlmSettings:Routes:0:SelectionStrategy"] = "RoundRobin",
        };
        var names = new[] { "a", "b", "c" };
        for (var i = 0; i < names.Length; i++)
        {
            var prefix = $"LlmSettings:Backends:{i}:";
            settings[prefix + "Name"] = names[i];
            settings[prefix + "Type"] = "OpenAICompatible";
            settings[prefix + "BaseUrl"] = _upstream.BaseUrl + "/v1";
            settings[prefix + "ModelName"] = "story-" + names[i];
            settings[prefix + "SupportsAssistantPrefill"] = "true";
            settings[prefix + "Headers:" + FakeFault.Header] = "flap=0.3";
            settings[$"LlmSettings:Routes:0:Backends:{i}"] = names[i];
        }

        _gateway = await TestGateway.StartAsync(settings);
    }

    private static object Body(bool stream) => new
    {
        model = Route,
        stream,
        stream_options = stream ? new { include_usage = true } : null,
        messages = new[] { new { role = "user", content = "tell me a story" } },
    };

    private static async Task<(Outcome, string)> CompleteAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Body(stream: false), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (Outcome.CleanError, CleanError((int)response.StatusCode, body));
        }

        var root = Parse(body).RootElement;
        var text = root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        if (text != FakeBrain.Story)
        {
            throw new BadAnswerException($"a 200 whose text is not the story: '{text}'");
        }

        if (root.GetProperty("usage").GetProperty("completion_tokens").GetInt32() <= 0)
        {
            throw new BadAnswerException("a 200 without usage");
        }

        return (Outcome.Complete, root.GetProperty("model").GetString()!);
    }

    private static async Task<(Outcome, string)> StreamAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Body(stream: true), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (Outcome.CleanError, CleanError((int)response.StatusCode, body));
        }

        var text = new StringBuilder();
        string? finish = null;
        var usage = false;
        var models = new HashSet<string>(StringComparer.Ordinal);
        var frames = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < frames.Length; i++)
        {
            if (!frames[i].StartsWith("data: ", StringComparison.Ordinal))
            {
                throw new BadAnswerException($"a frame that is not 'data: ': '{frames[i]}'");
            }

            var data = frames[i][6..];
            var last = i == frames.Length - 1;
            if (data == "[DONE]")
            {
                // Usage comes from the stream that finished the answer. A continuation (frames from a second backend's model)
                // may be a stream of a few words whose body was cut right after its finish event, before its usage event:
                // the answer is complete and there is no usage to forward.
                var continued = models.Count > 1;
                if (!last || text.ToString() != FakeBrain.Story || finish != "stop" || (!usage && !continued))
                {
                    throw new BadAnswerException($"[DONE] after a wrong answer (finish {finish}, usage {usage}, models {string.Join(", ", models)}): '{text}'");
                }

                return (Outcome.Complete, "streamed");
            }

            var root = Parse(data).RootElement;
            if (root.TryGetProperty("error", out var error))
            {
                if (!last || !FakeBrain.Story.StartsWith(text.ToString(), StringComparison.Ordinal))
                {
                    throw new BadAnswerException($"an error frame that is not the end, or after garbled text: '{text}'");
                }

                return (Outcome.CleanError, error.GetProperty("message").GetString()!);
            }

            if (root.TryGetProperty("model", out var frameModel) && frameModel.ValueKind == JsonValueKind.String)
            {
                models.Add(frameModel.GetString()!);
            }

            usage |= root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object && u.GetProperty("completion_tokens").GetInt32() > 0;
            foreach (var choice in root.GetProperty("choices").EnumerateArray())
            {
                var delta = choice.GetProperty("delta");
                if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }

                if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                {
                    finish = reason.GetString();
                }
            }
        }

        throw new BadAnswerException($"a stream that ended with neither [DONE] nor an error frame: '{text}'");
    }

    private static string CleanError(int status, string body)
    {
        var error = Parse(body).RootElement.TryGetProperty("error", out var e) ? e : throw new BadAnswerException($"HTTP {status} without an error object: '{body}'");
        if (status < 400 || error.GetProperty("message").GetString() is not { Length: > 0 } message || error.GetProperty("type").GetString() is not { Length: > 0 })
        {
            throw new BadAnswerException($"HTTP {status} with an error that has no message or type: '{body}'");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{status}: {message}");
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new BadAnswerException($"invalid JSON reached the caller ({ex.Message}): '{json}'");
        }
    }

    private sealed class BadAnswerException(string message) : Exception(message);
}
