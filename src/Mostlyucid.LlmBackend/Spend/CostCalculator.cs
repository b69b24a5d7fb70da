using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// Prices usage: prompt tokens not read from the provider's cache at the input price, cached ones at the cached-input
/// price, generated tokens (reasoning included) at the output price. Prices come from the backend's own
/// <c>CostPerMillion…</c> settings, field by field, else from the model catalog for the backend's provider and the model
/// that answered. A local backend costs nothing; a model with no known price has an unknown cost (<see langword="null"/>).
/// </summary>
internal sealed class CostCalculator
{
    private const decimal Million = 1_000_000m;
    private const int ModelsPerBackend = 256;
    private readonly IModelCatalog _catalog;
    private readonly ConditionalWeakTable<LlmBackendConfig, ConcurrentDictionary<string, Prices>> _prices = new();

    public CostCalculator(IModelCatalog catalog)
    {
        _catalog = catalog;
    }

    /// <summary>Prices the usage of a backend's answer.</summary>
    /// <param name="backend">The backend that answered.</param>
    /// <param name="model">The model that answered (else the backend's configured one is priced).</param>
    /// <param name="promptTokens">Prompt tokens, cached ones included.</param>
    /// <param name="cachedPromptTokens">Prompt tokens read from the provider's cache.</param>
    /// <param name="completionTokens">Generated tokens.</param>
    /// <returns>The cost in US dollars, or <see langword="null"/> when the prices are not known.</returns>
    public decimal? Cost(LlmBackendConfig backend, string? model, int promptTokens, int cachedPromptTokens, int completionTokens)
    {
        var prices = PricesOf(backend, model);
        if (prices.Local)
        {
            return 0m;
        }

        if (prices.Input is not { } input || (prices.Output is null && completionTokens > 0))
        {
            return null;
        }

        var cached = Math.Clamp(cachedPromptTokens, 0, Math.Max(0, promptTokens));
        var uncached = Math.Max(0, promptTokens) - cached;
        return ((uncached * input) + (cached * prices.CachedInput!.Value) + (Math.Max(0, completionTokens) * (prices.Output ?? 0m))) / Million;
    }

    /// <summary>
    /// A backend's prices for a model, resolved once (the catalog lookup trims, builds keys and tries the undated name)
    /// and then read from a small table per backend. The table belongs to the settings object, so a reload's new settings
    /// start afresh and the old ones' table goes with them; it holds at most <see cref="ModelsPerBackend"/> models (an
    /// upstream naming a new model on every answer is priced without being remembered).
    /// </summary>
    private Prices PricesOf(LlmBackendConfig backend, string? model)
    {
        var name = string.IsNullOrWhiteSpace(model) ? backend.ModelName ?? string.Empty : model;
        var known = _prices.GetValue(backend, static _ => new ConcurrentDictionary<string, Prices>(StringComparer.Ordinal));
        if (known.TryGetValue(name, out var prices))
        {
            return prices;
        }

        prices = Resolve(backend, name);
        if (known.Count < ModelsPerBackend)
        {
            known.TryAdd(name, prices);
        }

        return prices;
    }

    private Prices Resolve(LlmBackendConfig backend, string model)
    {
        if (BackendProvider.IsLocal(backend))
        {
            return new Prices(Local: true, 0m, 0m, 0m);
        }

        var entry = backend.CostPerMillionInputTokens is not null && backend.CostPerMillionOutputTokens is not null
            ? null
            : _catalog.Find(BackendProvider.Of(backend), model) ?? _catalog.Find(BackendProvider.Of(backend), backend.ModelName);
        var input = backend.CostPerMillionInputTokens ?? entry?.InputPerMillion;
        var output = backend.CostPerMillionOutputTokens ?? entry?.OutputPerMillion;
        var cachedInput = backend.CostPerMillionCachedInputTokens ?? (backend.CostPerMillionInputTokens is not null ? input : entry?.CachedInputPerMillion ?? input);
        return new Prices(Local: false, input, output, cachedInput);
    }

    /// <summary>
    /// Prices what the failed attempts of a request were billed for (a stream cut after output: its prompt and the text
    /// it sent), each at its own backend's prices.
    /// </summary>
    /// <param name="attempts">The request's attempts; only those carrying <see cref="BackendAttempt.Usage"/> were billed.</param>
    /// <param name="configOf">Finds a backend's settings by name.</param>
    /// <returns>Each billed attempt with its backend and cost (<see langword="null"/> when its prices are not known).</returns>
    public BilledAttemptCosts BilledAttempts(IReadOnlyList<BackendAttempt>? attempts, Func<string, LlmBackendConfig?> configOf) =>
        new(this, attempts, configOf);

    /// <summary>Prices an answer's usage.</summary>
    public decimal? Cost(LlmBackendConfig backend, string? model, LlmUsage usage) =>
        Cost(backend, model, usage.PromptTokens, usage.CachedPromptTokens, usage.CompletionTokens);

    /// <summary>A backend's per-million prices for one model (<see langword="null"/> where not known).</summary>
    private readonly record struct Prices(bool Local, decimal? Input, decimal? Output, decimal? CachedInput);

    /// <summary>
    /// The billed attempts of a request with their costs, for <see langword="foreach"/>: a struct enumerator, so the
    /// request path allocates nothing for a request with no billed attempts (nearly all of them).
    /// </summary>
    public struct BilledAttemptCosts
    {
        private readonly CostCalculator _calculator;
        private readonly IReadOnlyList<BackendAttempt>? _attempts;
        private readonly Func<string, LlmBackendConfig?> _configOf;
        private int _index;

        internal BilledAttemptCosts(CostCalculator calculator, IReadOnlyList<BackendAttempt>? attempts, Func<string, LlmBackendConfig?> configOf)
        {
            _calculator = calculator;
            _attempts = attempts;
            _configOf = configOf;
            _index = -1;
            Current = default;
        }

        /// <summary>Gets the billed attempt, its backend and its cost (<see langword="null"/> when its prices are not known).</summary>
        public (BackendAttempt Attempt, string Backend, decimal? Cost) Current { get; private set; }

        /// <summary>Gets the enumerator (this).</summary>
        public readonly BilledAttemptCosts GetEnumerator() => this;

        /// <summary>Moves to the next billed attempt.</summary>
        public bool MoveNext()
        {
            if (_attempts is null)
            {
                return false;
            }

            while (++_index < _attempts.Count)
            {
                var attempt = _attempts[_index];
                if (attempt.Usage is { } billed)
                {
                    Current = (attempt, attempt.BackendName, _configOf(attempt.BackendName) is { } config ? _calculator.Cost(config, attempt.Model, billed) : null);
                    return true;
                }
            }

            return false;
        }
    }
}
