using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Security;

/// <summary>
/// Logs through another logger with secrets removed from the message, from every structured value and from the
/// exception. When nothing needed redacting the entry is passed on unchanged, structure included.
/// </summary>
internal sealed class RedactingLogger : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";
    private readonly ILogger _inner;
    private readonly SecretRedactor _redactor;

    public RedactingLogger(ILogger inner, SecretRedactor redactor)
    {
        _inner = inner;
        _redactor = redactor;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!_inner.IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        var redactedMessage = _redactor.Redact(message);
        var redactedException = exception is null ? null : RedactedException.From(exception, _redactor);
        var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
        var redactedValues = values is null ? null : Redact(values);
        if (ReferenceEquals(message, redactedMessage) && ReferenceEquals(exception, redactedException) && ReferenceEquals(values, redactedValues))
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        var entry = new RedactedState(redactedMessage, redactedValues ?? Array.Empty<KeyValuePair<string, object?>>());
        _inner.Log(logLevel, eventId, entry, redactedException, static (s, _) => s.Message);
    }

    private IReadOnlyList<KeyValuePair<string, object?>> Redact(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        KeyValuePair<string, object?>[]? copy = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Key == OriginalFormat || values[i].Value is null or bool or Enum || values[i].Value!.GetType().IsPrimitive)
            {
                continue;
            }

            // Strings, and anything else by its text (a Uri, a path, an object a plugin logs): what a sink would write.
            var text = values[i].Value as string ?? Convert.ToString(values[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            var redacted = _redactor.Redact(text);
            if (!ReferenceEquals(text, redacted))
            {
                copy ??= values.ToArray();
                copy[i] = new KeyValuePair<string, object?>(values[i].Key, redacted);
            }
        }

        return copy ?? values;
    }

    /// <summary>A log entry's values after redaction; its <see cref="ToString"/> is the redacted message.</summary>
    private sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
