using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Auth;

/// <summary>
/// Per-key token limits (<c>MaxTokensPerMinute</c>) over fixed one-minute windows. A request's tokens are known only when
/// it ends (from the usage ledger's record), so a key is refused once its finished requests reached the limit; requests
/// already in flight may take it over by what they use. With <c>LlmSettings:Redis</c> the count is shared by every
/// instance (<see cref="SharedLimits"/>); this instance's own count is kept too, for when Redis is unreachable. A cache
/// hit records no tokens, so it uses none of the limit.
/// </summary>
internal sealed class TokenRateLimiter
{
    private readonly FixedWindowCounter _tokens;
    private readonly SharedLimits? _shared;

    public TokenRateLimiter(TimeProvider time, SharedLimits? shared = null)
    {
        _tokens = new FixedWindowCounter(time);
        _shared = shared;
    }

    /// <summary>Gets how long the key must wait (this process's count only), or <see langword="null"/> when it is under its limit.</summary>
    public TimeSpan? WaitFor(string key, int perMinute) => _tokens.TryAdd(key, 0, perMinute);

    /// <summary>Checks the key's limit, across instances when the limits are shared.</summary>
    public async ValueTask<LimitVerdict> CheckAsync(string key, int perMinute, CancellationToken cancellationToken)
    {
        if (_shared is { } shared)
        {
            var verdict = await shared.TryAddAsync("tokens:" + key, 0, perMinute, cancellationToken).ConfigureAwait(false);
            if (!verdict.StoreUnavailable || shared.WhenUnavailable == SharedLimitFailure.Refuse)
            {
                return verdict;
            }
        }

        return WaitFor(key, perMinute) is { } wait ? LimitVerdict.Over(wait) : LimitVerdict.Allowed;
    }

    /// <summary>Counts a finished request's tokens against its caller.</summary>
    public void Recorded(UsageRecord record)
    {
        if (record.CallerName is { } caller && record.PromptTokens + record.CompletionTokens is > 0 and var tokens)
        {
            _tokens.Add(caller, tokens);
            if (_shared is { } shared)
            {
                // Off the request's path (this runs as the ledger records); the shared state logs a failure.
                _ = shared.AddAsync("tokens:" + caller, tokens);
            }
        }
    }
}
