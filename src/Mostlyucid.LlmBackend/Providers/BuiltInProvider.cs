using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Providers;

/// <summary>A backend type the core provides: its name, default endpoint (null when the user must give one) and factory.</summary>
/// <param name="Type">The backend type name.</param>
/// <param name="DefaultBaseUrl">The provider's public endpoint, or <see langword="null"/> when <c>BaseUrl</c> is required.</param>
/// <param name="Create">Creates the backend.</param>
internal sealed record BuiltInProvider(
    string Type,
    string? DefaultBaseUrl,
    Func<LlmBackendConfig, ILoggerFactory, HttpClient, TimeProvider, ILlmBackend> Create);
