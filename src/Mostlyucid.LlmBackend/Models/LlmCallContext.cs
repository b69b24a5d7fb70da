namespace Mostlyucid.LlmBackend.Models;

/// <summary>
/// Who is making the calls in the current flow, for the usage ledger and budgets: the gateway sets it for each request
/// (the key's name and the request id); an application may set it around its own calls. It flows across <c>await</c>s
/// like <see cref="System.Diagnostics.Activity.Current"/>.
/// </summary>
public sealed class LlmCallContext
{
    private static readonly AsyncLocal<LlmCallContext?> CurrentValue = new();

    /// <summary>Gets the context of the current flow, or <see langword="null"/> when none was set.</summary>
    public static LlmCallContext? Current => CurrentValue.Value;

    /// <summary>Gets the caller's name (a gateway key's name), used for per-caller usage and budgets.</summary>
    public string? CallerName { get; init; }

    /// <summary>Gets the request id, recorded with the usage.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets what the caller asks of the response cache for the calls in this flow. <value>The default is <see cref="LlmCacheControl.Default"/>.</value></summary>
    public LlmCacheControl CacheControl { get; init; }

    /// <summary>
    /// Gets or sets what the response cache did for the last call in this flow; set by the cache stage, read by the caller
    /// (the gateway's <c>x-llmb-cache</c> header).
    /// </summary>
    public LlmCacheOutcome CacheOutcome { get; set; }

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A scope that restores the previous context.</returns>
    public static IDisposable Begin(LlmCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = CurrentValue.Value;
        CurrentValue.Value = context;
        return new Scope(previous);
    }

    private sealed class Scope(LlmCallContext? previous) : IDisposable
    {
        public void Dispose() => CurrentValue.Value = previous;
    }
}
