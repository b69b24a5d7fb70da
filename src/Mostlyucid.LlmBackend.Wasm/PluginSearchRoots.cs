using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mostlyucid.LlmBackend.Wasm;

/// <summary>Where relative plugin and providers file paths are looked up, in order (as for .NET plugins).</summary>
internal static class PluginSearchRoots
{
    /// <summary>Gets the host's content root (when there is a host), the application's base directory and the current directory.</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The directories, most specific first.</returns>
    public static string[] For(IServiceProvider services) =>
        new[] { services.GetService<IHostEnvironment>()?.ContentRootPath, AppContext.BaseDirectory, Directory.GetCurrentDirectory() }
            .OfType<string>()
            .ToArray();
}
