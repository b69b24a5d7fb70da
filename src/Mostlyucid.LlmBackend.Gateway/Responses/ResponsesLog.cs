using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>The Responses API's log lines, with stable event ids. Prompts and answers are never logged here.</summary>
internal static partial class ResponsesLog
{
    /// <summary>The category the Responses API logs under.</summary>
    public const string Category = "Mostlyucid.LlmBackend.Gateway.Responses";

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Responses request: accepted and not sent on (they only concern OpenAI's own servers): {Fields}")]
    public static partial void IgnoredFields(ILogger logger, IReadOnlyList<string> fields);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Could not store response {ResponseId} (the client got its answer, but cannot refer to it later): the response store failed")]
    public static partial void StoreFailed(ILogger logger, string responseId, Exception exception);
}
