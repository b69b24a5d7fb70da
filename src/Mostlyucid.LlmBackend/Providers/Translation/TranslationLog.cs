using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Providers.Translation;

/// <summary>What a provider left out of a request because its wire format has no place for it (Debug level).</summary>
internal static partial class TranslationLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Backend {BackendName} ({Provider}) dropped the {Format} field '{Field}': the provider's format has no equivalent, and it rejects fields it does not know")]
    public static partial void DroppedField(ILogger logger, string backendName, string provider, string format, string field);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Backend {BackendName} ({Provider}) dropped the {Format} header '{Header}': it is only for that provider")]
    public static partial void DroppedHeader(ILogger logger, string backendName, string provider, string format, string header);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Backend {BackendName} ({Provider}) dropped the option {Option}: the provider has no equivalent")]
    public static partial void DroppedOption(ILogger logger, string backendName, string provider, string option);
}
