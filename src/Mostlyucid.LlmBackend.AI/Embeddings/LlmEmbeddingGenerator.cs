using Microsoft.Extensions.AI;
using Mostlyucid.LlmBackend.AI.ChatClients;
using Mostlyucid.LlmBackend.Interfaces;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.AI.Embeddings;

/// <summary>
/// <see cref="ILlmService"/> as an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of float vectors, routed and
/// failed over like every other request. Failures are thrown as <see cref="Llm.LlmBackendException"/>.
/// </summary>
public sealed class LlmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ILlmService _service;
    private readonly string? _model;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates the generator.</summary>
    /// <param name="service">The library's service.</param>
    /// <param name="model">The route, backend or embedding model asked for when <see cref="EmbeddingGenerationOptions.ModelId"/> is not set.</param>
    public LlmEmbeddingGenerator(ILlmService service, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _model = model;
        _metadata = new EmbeddingGeneratorMetadata("mostlylucid.llmbackend", defaultModelId: model);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var request = new Llm.EmbeddingRequest { Inputs = values.ToList(), Model = options?.ModelId ?? _model, Dimensions = options?.Dimensions };
        var response = await _service.EmbedAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.Success)
        {
            throw new Llm.LlmBackendException(
                response.Error ?? new Llm.LlmError { Kind = Llm.LlmErrorKind.Unknown, Message = "The embedding request failed.", BackendName = response.BackendUsed },
                response.Attempts);
        }

        var created = DateTimeOffset.UtcNow;
        var embeddings = response.Embeddings.Select(vector => new Embedding<float>(vector) { ModelId = response.ModelUsed, CreatedAt = created });
        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = response.PromptTokens, TotalTokenCount = response.TotalTokens },
            AdditionalProperties = MeaiResponses.Answered(response.BackendUsed, response.Attempts.Count, response.CostUsd),
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        if (serviceType.IsInstanceOfType(_service))
        {
            return _service;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The service belongs to the host that made it.
    }
}
