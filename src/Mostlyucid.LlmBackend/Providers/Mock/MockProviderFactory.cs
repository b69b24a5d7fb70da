using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Providers.Mock;

/// <summary>Registers the <c>Mock</c> backend type.</summary>
internal sealed class MockProviderFactory : IBuiltInProviderFactory
{
    public IEnumerable<BuiltInProvider> Providers => new[]
    {
        new BuiltInProvider(
            LlmBackendTypes.Mock,
            (config, loggers, http, time) => new MockBackend(config, loggers.CreateLogger<MockBackend>(), http, time),
            (config, label, problems) => MockOptions.Read(config, label, problems)),
    };
}
