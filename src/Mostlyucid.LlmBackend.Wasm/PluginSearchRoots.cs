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

    /// <summary>Gets where a configured path is looked for: itself when rooted, else under each root, in order.</summary>
    /// <param name="path">The path as configured.</param>
    /// <param name="roots">The roots, most specific first.</param>
    /// <returns>The full paths to try; the first that exists is the one meant.</returns>
    public static string[] Candidates(string path, IEnumerable<string> roots) =>
        Path.IsPathRooted(path)
            ? new[] { path }
            : roots.Select(root => Path.GetFullPath(Path.Combine(root, path))).Distinct(StringComparer.Ordinal).ToArray();
}
