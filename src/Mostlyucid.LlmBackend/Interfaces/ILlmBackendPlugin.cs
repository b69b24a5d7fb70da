using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Interfaces;

/// <summary>
/// A plugin adds one or more backend types (for example <c>"Mistral"</c>) without rebuilding the core library. The host
/// discovers implementations in plugin assemblies, calls <see cref="Validate"/> once, and then
/// <see cref="CreateBackend"/> for every configured backend whose <c>CustomBackendType</c> (or <c>Type</c>) the plugin
/// lists in <see cref="SupportedBackendTypes"/>.
/// </summary>
/// <remarks>Implementations need a public parameterless constructor.</remarks>
public interface ILlmBackendPlugin
{
    /// <summary>Gets a globally unique, stable id, such as <c>com.mycompany.llmbackend.mistral</c>.</summary>
    string PluginId { get; }

    /// <summary>Gets a human-readable name.</summary>
    string PluginName { get; }

    /// <summary>Gets the plugin's version.</summary>
    string Version { get; }

    /// <summary>Gets the plugin's author.</summary>
    string Author { get; }

    /// <summary>Gets a one-line description.</summary>
    string Description { get; }

    /// <summary>Gets the backend type names this plugin creates (matched case-insensitively).</summary>
    IEnumerable<string> SupportedBackendTypes { get; }

    /// <summary>Creates a backend for one configuration entry.</summary>
    /// <param name="backendType">One of <see cref="SupportedBackendTypes"/>.</param>
    /// <param name="config">This backend's configuration only (with environment references already expanded).</param>
    /// <param name="loggerFactory">The host's logger factory.</param>
    /// <param name="httpClientFactory">The host's HTTP client factory.</param>
    /// <returns>The backend.</returns>
    ILlmBackend CreateBackend(
        string backendType,
        LlmBackendConfig config,
        ILoggerFactory loggerFactory,
        IHttpClientFactory httpClientFactory);

    /// <summary>Checks that the plugin can work here (dependencies present, environment suitable).</summary>
    /// <returns><see langword="false"/> to refuse loading; the host logs it and carries on without the plugin.</returns>
    bool Validate();
}
