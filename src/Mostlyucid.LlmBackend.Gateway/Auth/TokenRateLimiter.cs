using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// Per-key token limits (<c>MaxTokensPerMinute</c>) over fixed one-minute windows. A request's tokens are known only when
/// it ends (from the usage ledger's record), so a key is refused once its finished requests reached the limit; requests
/// already in flight may take it over by what they use.
/// </summary>
internal sealed class TokenRateLimiter
{
    private readonly FixedWindowCounter _tokens;

    public TokenRateLimiter(TimeProvider time)
    {
        _tokens = new FixedWindowCounter(time);
    }

    /// <summary>Gets how long the key must wait, or <see langword="null"/> when it is under its limit.</summary>
    public TimeSpan? WaitFor(string key, int perMinute) => _tokens.TryAdd(key, 0, perMinute);

    /// <summary>Counts a finished request's tokens against its caller.</summary>
    public void Recorded(UsageRecord record)
    {
        if (record.CallerName is { } caller && record.PromptTokens + record.CompletionTokens is > 0 and var tokens)
        {
            _tokens.Add(caller, tokens);
        }
    }
}
