using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace TestPlugins.Faulty;

/// <summary>Shared plumbing for the faulty plugins below; each gets one thing wrong.</summary>
public abstract class FaultyPluginBase : ILlmBackendPlugin
{
    public abstract string PluginId { get; }

    public string PluginName => GetType().Name;

    public string Version => "1.0.0";

    public string Author => "LlmBackend tests";

    public string Description => "Gets one thing wrong on purpose.";

    public virtual IEnumerable<string> SupportedBackendTypes => new[] { GetType().Name };

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory) =>
        throw new NotSupportedException("faulty test plugins never create backends");

    public virtual bool Validate() => true;
}

/// <summary>Its constructor throws.</summary>
public sealed class ThrowingConstructorPlugin : FaultyPluginBase
{
    public ThrowingConstructorPlugin() => throw new InvalidOperationException("constructor exploded on purpose");

    public override string PluginId => "tests.faulty.ctor";
}

/// <summary>Its Validate() returns false.</summary>
public sealed class FailingValidationPlugin : FaultyPluginBase
{
    public override string PluginId => "tests.faulty.validation";

    public override bool Validate() => false;
}

/// <summary>Uses the Echo plugin's id.</summary>
public sealed class DuplicateIdPlugin : FaultyPluginBase
{
    public override string PluginId => "tests.echo";
}

/// <summary>Claims the Echo plugin's backend type.</summary>
public sealed class TypeConflictPlugin : FaultyPluginBase
{
    public override string PluginId => "tests.faulty.typeconflict";

    public override IEnumerable<string> SupportedBackendTypes => new[] { "Echo" };
}
