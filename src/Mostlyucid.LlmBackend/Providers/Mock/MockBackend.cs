using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;
using Mostlyucid.LlmBackend.Services;

namespace Mostlyucid.LlmBackend.Providers.Mock;

/// <summary>
/// A provider that is not a language model: it answers deterministically ("Mock answer from …"), streams word by word,
/// calls the first offered tool, embeds texts into hash-derived vectors, and can be slow or fail on purpose. For trying
/// the library and gateway without keys, for client tests and for load tests. Every answer names it.
/// </summary>
internal sealed class MockBackend : BaseLlmBackend, IEmbeddingLlmBackend, IModelListingLlmBackend, ILlmBackendCapabilities
{
    /// <summary>The model name used when the backend configures none.</summary>
    public const string DefaultModel = "mock";

    private readonly TimeProvider _time;
    private readonly MockOptions _options;
    private readonly Random _random;
    private readonly object _randomGate = new();
    private int _sequence;

    public MockBackend(LlmBackendConfig config, ILogger logger, HttpClient httpClient, TimeProvider time)
        : base(config, logger, httpClient)
    {
        _time = time;
        _options = MockOptions.Read(config, config.Name, problems: null);
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
    }

    private string Model => _config.ModelName ?? DefaultModel;

    /// <summary>Gets <see langword="true"/>: a final assistant message is continued, after as many words as it holds.</summary>
    public bool SupportsAssistantPrefill => true;

    public override Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override async Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var accumulator = new ChatStreamAccumulator();
        try
        {
            await foreach (var update in StreamChatAsync(request, cancellationToken).ConfigureAwait(false))
            {
                accumulator.Add(update);
            }
        }
        catch (LlmBackendException ex)
        {
            RecordFailure(ex.Error.Message);
            return new LlmResponse { Success = false, BackendUsed = Name, ModelUsed = Model, Error = ex.Error, ErrorCode = ex.Error.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture), ErrorMessage = ex.Error.Message };
        }

        var response = accumulator.ToResponse();
        response.BackendUsed = Name;
        response.DurationMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        RecordSuccess(response.DurationMs);
        return response;
    }

    public override async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = $"mock-{Interlocked.Increment(ref _sequence)}";
        await DelayAsync(_options.FirstTokenDelayMs, cancellationToken).ConfigureAwait(false);
        MaybeFail();

        // A final assistant message is a partial answer to continue: the answer resumes after as many words as it has.
        var messages = request.Messages;
        var resumeAfter = 0;
        if (messages.Count > 0 && messages[^1].Role == ChatRole.Assistant && messages[^1].ToolCalls is not { Count: > 0 })
        {
            resumeAfter = Words(messages[^1].GetText());
            messages = messages.Take(messages.Count - 1).ToList();
        }

        var promptTokens = request.Messages.Sum(m => Words(m.GetText()));
        var trailingResults = messages.AsEnumerable().Reverse().TakeWhile(m => m.Role == ChatRole.Tool).Reverse().ToList();
        if (trailingResults.Count == 0 && request.Tools is { Count: > 0 } tools && request.ToolChoice?.Mode != ToolChoiceMode.None)
        {
            var tool = request.ToolChoice is { Mode: ToolChoiceMode.Function, FunctionName: { } forced }
                ? tools.FirstOrDefault(t => t.Name == forced) ?? tools[0]
                : tools[0];
            var arguments = ArgumentsFor(tool);
            yield return new ChatStreamUpdate { ModelUsed = Model, ResponseId = id, ToolCalls = new() { new ToolCallUpdate { Index = 0, Id = "call_" + id, Name = tool.Name, ArgumentsDelta = arguments } } };
            yield return Finish(FinishReasons.ToolCalls, promptTokens, 1 + Words(arguments), id);
            yield break;
        }

        var text = trailingResults.Count > 0
            ? "Mock answer from " + Name + ": the tools returned " + string.Join("; ", trailingResults.Select(r => r.GetText()))
            : $"Mock answer from {Name} ({Model}): you said \"{messages.LastOrDefault(m => m.Role == ChatRole.User)?.GetText()}\"";
        var words = text.Split(' ');
        var limit = request.MaxTokens ?? _config.MaxOutputTokens ?? int.MaxValue;
        var sent = 0;
        for (var i = Math.Min(resumeAfter, words.Length); i < words.Length && sent < limit; i++, sent++)
        {
            if (sent > 0)
            {
                await DelayAsync(_options.ChunkDelayMs, cancellationToken).ConfigureAwait(false);
            }

            yield return new ChatStreamUpdate { ModelUsed = Model, ResponseId = id, ContentDelta = i + 1 < words.Length && sent + 1 < limit ? words[i] + " " : words[i] };
        }

        yield return Finish(Math.Min(resumeAfter, words.Length) + sent < words.Length ? FinishReasons.Length : FinishReasons.Stop, promptTokens, sent, id);
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dimensions = request.Dimensions ?? _options.Dimensions;
        return Task.FromResult(new EmbeddingResponse
        {
            Success = true,
            BackendUsed = Name,
            ModelUsed = request.Model ?? _config.EmbeddingModelName ?? Model,
            Embeddings = request.Inputs.Select(text => Embed(text, dimensions)).ToList(),
            PromptTokens = request.Inputs.Sum(Words),
            TotalTokens = request.Inputs.Sum(Words),
        });
    }

    public Task<IReadOnlyList<LlmModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LlmModelInfo>>(new[] { new LlmModelInfo { Id = Model, BackendName = Name, OwnedBy = "mock", DisplayName = "Mock (not a language model)" } });

    private static float[] Embed(string text, int dimensions)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (hash[i % hash.Length] / 127.5f) - 1f;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : vector.Select(v => v / norm).ToArray();
    }

    private static string ArgumentsFor(ToolDefinition tool)
    {
        if (tool.Parameters is { ValueKind: JsonValueKind.Object } schema
            && schema.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object
            && properties.EnumerateObject().FirstOrDefault() is { Name.Length: > 0 } first)
        {
            return "{" + JsonSerializer.Serialize(first.Name, ProviderJsonContext.Default.String) + ":\"mock\"}";
        }

        return "{}";
    }

    private static int Words(string? text) => string.IsNullOrWhiteSpace(text) ? 0 : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private ChatStreamUpdate Finish(string reason, int promptTokens, int completionTokens, string id) => new()
    {
        ModelUsed = Model,
        ResponseId = id,
        FinishReason = reason,
        Usage = new LlmUsage { PromptTokens = promptTokens, CompletionTokens = completionTokens, TotalTokens = promptTokens + completionTokens },
    };

    private void MaybeFail()
    {
        if (_options.FailureRate <= 0)
        {
            return;
        }

        double roll;
        lock (_randomGate)
        {
            roll = _random.NextDouble();
        }

        if (roll < _options.FailureRate)
        {
            var status = _options.FailureStatus;
            throw new LlmBackendException(
                new LlmError
                {
                    Kind = LlmErrorClassifier.FromStatus(status, null, null),
                    StatusCode = status,
                    Message = $"Backend '{Name}' (Mock) failed on purpose with HTTP {status} (ProviderOptions:FailureRate is {_options.FailureRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}).",
                    BackendName = Name,
                },
                Array.Empty<BackendAttempt>());
        }
    }

    private Task DelayAsync(int milliseconds, CancellationToken cancellationToken) =>
        milliseconds <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(milliseconds), _time, cancellationToken);
}
