using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Tokens;

/// <summary>
/// <see cref="ITokenCounter"/> over the routing: plans the request as a chat, asks the first backend when it can count
/// exactly, and estimates for that backend's model otherwise.
/// </summary>
internal sealed class TokenCounter : ITokenCounter
{
    private readonly BackendRegistry _registry;
    private readonly BackendRouter _router;
    private readonly ContextWindows _windows;
    private readonly ILogger _logger;

    public TokenCounter(BackendRegistry registry, BackendRouter router, IModelCatalog? catalog, ILogger<TokenCounter> logger)
    {
        _registry = registry;
        _router = router;
        _windows = new ContextWindows(catalog);
        _logger = logger;
    }

    public async Task<TokenCount> CountAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var scope = _registry.Enter();
        var plan = _router.Plan(request.PreferredBackend, request.Model);
        if (plan.Error is not null || plan.Backends.Count == 0)
        {
            return Estimate(request, request.Model, backend: null, window: null);
        }

        var first = plan.Backends[0];
        var model = plan.Model ?? first.Config.ModelName ?? request.Model;
        var window = _windows.Of(first);
        if (first.State.Backend is ITokenCountingLlmBackend counting)
        {
            try
            {
                var tokens = await counting.CountTokensAsync((ChatRequest)request.WithModel(plan.Model), cancellationToken).ConfigureAwait(false);
                return new TokenCount { InputTokens = tokens, BackendName = first.Name, Model = model, ContextWindow = window };
            }
            catch (LlmBackendException ex)
            {
                TokenCountLog.CountFailed(_logger, first.Name, ex.Error.Message);
            }
        }

        return Estimate(request, model, first.Name, window);
    }

    private static TokenCount Estimate(ChatRequest request, string? model, string? backend, int? window) => new()
    {
        InputTokens = TokenEstimator.CountChat(request, model),
        IsEstimate = true,
        Tokenizer = TokenEstimator.EncodingFor(model),
        BackendName = backend,
        Model = model,
        ContextWindow = window,
    };
}
