using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>An <see cref="ILlmService"/> that answers from callbacks and counts its calls: what a stage wraps, in tests.</summary>
internal sealed class ScriptedLlmService : ILlmService
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<ChatRequest, LlmResponse> Chat { get; set; } = request => new LlmResponse
    {
        Success = true,
        Content = "answer to " + request.Messages[^1].Content,
        ModelUsed = "fake-model",
        BackendUsed = "fake",
        FinishReason = FinishReasons.Stop,
        PromptTokens = 10,
        CompletionTokens = 5,
        TotalTokens = 15,
        CostUsd = 0.5m,
    };

    /// <summary>Gets or sets the updates a stream gives; an exception in the list is thrown at that point.</summary>
    public Func<ChatRequest, IReadOnlyList<object>> Stream { get; set; } = request => new object[]
    {
        new ChatStreamUpdate { ContentDelta = "streamed ", ModelUsed = "fake-model", BackendUsed = "fake" },
        new ChatStreamUpdate { ContentDelta = "answer", BackendUsed = "fake" },
        new ChatStreamUpdate { FinishReason = FinishReasons.Stop, BackendUsed = "fake" },
        new ChatStreamUpdate { Usage = new LlmUsage { PromptTokens = 10, CompletionTokens = 2, TotalTokens = 12 }, BackendUsed = "fake", CostUsd = 0.4m },
    };

    public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(Chat(request));
    }

    public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new LlmResponse { Success = true, Content = "completed " + request.Prompt, BackendUsed = "fake" });
    }

    public async IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        foreach (var item in Stream(request))
        {
            await Task.Yield();
            if (item is Exception exception)
            {
                throw exception;
            }

            yield return (ChatStreamUpdate)item;
        }
    }

    public Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new EmbeddingResponse { Success = true, Embeddings = request.Inputs.Select(i => new[] { (float)i.Length, 1f }).ToList(), BackendUsed = "fake", PromptTokens = 3 });
    }

    public Task<ModelListResult> ListModelsAsync(string? backendName = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IReadOnlyList<RoutableModel> GetRoutableModels() => Array.Empty<RoutableModel>();

    public IReadOnlyList<BackendInfo> GetBackends() => Array.Empty<BackendInfo>();

    public LlmServiceStatistics GetStatistics() => throw new NotSupportedException();

    public Task<IReadOnlyList<BackendHealth>> GetHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<BackendHealth>>(Array.Empty<BackendHealth>());

    public Task<IReadOnlyDictionary<string, bool>> CheckAvailabilityAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyDictionary<string, bool>>(new Dictionary<string, bool>());
}
