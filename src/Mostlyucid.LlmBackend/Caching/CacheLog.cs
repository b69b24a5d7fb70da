using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>The response cache's log lines (event ids 7000–7099). No key, prompt or answer is ever logged.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "The response cache ({Provider}) is unreachable: requests are answered by the backends, uncached, until it is back ({Reason})")]
    public static partial void Unavailable(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "The response cache ({Provider}) is reachable again: answers are cached and served from it")]
    public static partial void Recovered(ILogger logger, string provider);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "A cached answer could not be read and was ignored (it is answered afresh and stored again): {Reason}")]
    public static partial void Unreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Response cache: {Provider}, answers kept {ExpirationMinutes} min, scope {Scope}, cached by default: {Cacheable}")]
    public static partial void Started(ILogger logger, string provider, int expirationMinutes, Configuration.CacheScope scope, Configuration.CacheableRequests cacheable);
}
