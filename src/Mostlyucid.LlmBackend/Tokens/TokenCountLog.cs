using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Tokens;

/// <summary>Token counting's log messages.</summary>
internal static partial class TokenCountLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Backend {BackendName} could not count tokens ({Reason}); an estimate is returned instead")]
    public static partial void CountFailed(ILogger logger, string backendName, string reason);
}
