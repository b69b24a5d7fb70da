using System.Reflection;

namespace Mostlyucid.LlmBackend.Plugins;

/// <summary>
/// The assemblies a plugin shares with the host: this library and the abstractions its public contract exposes. Every
/// other dependency of a plugin is private to the plugin's load context.
/// </summary>
internal static class SharedAssemblies
{
    /// <summary>The name of the contract assembly.</summary>
    public static readonly string ContractAssemblyName = typeof(SharedAssemblies).Assembly.GetName().Name!;

    /// <summary>The NuGet package id of the contract assembly, as dependency manifests name it.</summary>
    public const string ContractPackageId = "mostlylucid.llmbackend";

    /// <summary>
    /// The library's own companion packages (stores, the Wasm host, the gateway): they reference the contract but are not
    /// plugins, so scanning referenced assemblies passes over them rather than warning that they hold none.
    /// </summary>
    public static readonly IReadOnlySet<string> CompanionPackages = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Mostlyucid.LlmBackend.Wasm", "mostlylucid.llmbackend.wasm",
        "Mostlyucid.LlmBackend.Sqlite", "mostlylucid.llmbackend.sqlite",
        "Mostlyucid.LlmBackend.PostgreSql", "mostlylucid.llmbackend.postgresql",
        "Mostlyucid.LlmBackend.AI", "mostlylucid.llmbackend.ai",
        "Mostlyucid.LlmBackend.Gateway",
    };

    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ContractAssemblyName,
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Http",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.Configuration.Abstractions",
        "Microsoft.Extensions.Diagnostics.Abstractions",
    };

    public static bool IsShared(AssemblyName name) => name.Name is { } simpleName && Names.Contains(simpleName);
}
