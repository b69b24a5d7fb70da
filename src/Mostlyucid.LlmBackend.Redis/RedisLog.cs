using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Redis;

/// <summary>The Redis shared state's log lines (event ids 7100–7199). The connection string and password never appear.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Redis ({Server}) is unreachable: the response cache is bypassed, key limits {LimitsDo} and budgets count from the usage ledger until it is back; reconnecting by itself ({Reason})")]
    public static partial void Unreachable(ILogger logger, string server, string limitsDo, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Redis ({Server}) is reachable again: the response cache, shared key limits and budget counters are back in use (budget counters it lost start again from the usage store)")]
    public static partial void Restored(ILogger logger, string server);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Connecting to Redis ({Server}) for the response cache, shared key limits and budget counters")]
    public static partial void Connecting(ILogger logger, string server);
}
