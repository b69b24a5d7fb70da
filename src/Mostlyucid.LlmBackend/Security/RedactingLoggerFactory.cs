using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Security;

/// <summary>
/// A logger factory whose loggers pass every message through the <see cref="SecretRedactor"/>. Backends and plugins get
/// their loggers from one of these, so a plugin that logs a provider's error body (as the plugin guide's sample does)
/// cannot write a key the provider echoed back; a host can wrap its own factory the same way.
/// </summary>
internal sealed class RedactingLoggerFactory : ILoggerFactory
{
    private readonly ILoggerFactory _inner;
    private readonly SecretRedactor _redactor;

    public RedactingLoggerFactory(ILoggerFactory inner, SecretRedactor redactor)
    {
        _inner = inner;
        _redactor = redactor;
    }

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(_inner.CreateLogger(categoryName), _redactor);

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    /// <summary>Does nothing: the wrapped factory belongs to whoever created it.</summary>
    public void Dispose()
    {
    }
}
