namespace Mostlyucid.LlmBackend.Providers;

/// <summary>
/// Contributes built-in backend types. Each provider folder has one implementation (with a parameterless constructor);
/// <see cref="BuiltInProvidersPlugin"/> finds them all, so adding a provider touches no shared list.
/// </summary>
internal interface IBuiltInProviderFactory
{
    /// <summary>Gets the types this provider family adds.</summary>
    IEnumerable<BuiltInProvider> Providers { get; }
}
