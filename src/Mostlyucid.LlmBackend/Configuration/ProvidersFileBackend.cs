namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>A backend declared in a providers file.</summary>
/// <param name="Backend">The backend's configuration.</param>
/// <param name="Location">Where it was declared, used in messages instead of <c>LlmSettings:Backends:N</c>
/// (for example <c>plugins.toml: providers[1]</c>).</param>
public sealed record ProvidersFileBackend(LlmBackendConfig Backend, string Location);
