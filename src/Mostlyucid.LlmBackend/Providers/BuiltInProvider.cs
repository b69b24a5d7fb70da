using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Providers;

/// <summary>A backend type the core provides.</summary>
/// <param name="Type">The backend type name.</param>
/// <param name="Create">Creates the backend.</param>
/// <param name="Validate">Adds this type's configuration problems (missing BaseUrl or key, …) for an enabled backend; the label names it.</param>
internal sealed record BuiltInProvider(
    string Type,
    Func<LlmBackendConfig, ILoggerFactory, HttpClient, TimeProvider, ILlmBackend> Create,
    Action<LlmBackendConfig, string, List<string>> Validate);
