using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard;

/// <summary>The dashboard's log lines, with stable event ids. A key is never logged, only its name.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Dashboard login by admin key '{KeyName}' from {Client}")]
    public static partial void LoggedIn(ILogger logger, string keyName, string client);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Dashboard login refused from {Client}: {Reason}")]
    public static partial void LoginRefused(ILogger logger, string client, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Dashboard login from {Client} throttled after too many failures; it may try again in {Seconds} s")]
    public static partial void LoginThrottled(ILogger logger, string client, int seconds);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Dashboard logout")]
    public static partial void LoggedOut(ILogger logger);
}
