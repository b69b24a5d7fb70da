using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>One captured log line.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
