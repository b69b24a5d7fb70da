namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// Files of the repository the plugin benchmarks need: the sample plugins (built by <c>samples/wasm/build.sh</c>).
/// BenchmarkDotNet runs each case from a generated project's output folder, so they are found from the repository root,
/// not from the working directory.
/// </summary>
internal static class RepositoryFiles
{
    private const string BuildCommand = "bash samples/wasm/build.sh";

    /// <summary>Gets the repository root: the nearest folder above this assembly holding <c>LlmBackend.slnx</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The built sample plugin for <paramref name="plugin"/>, or an exception naming the command that builds it.</summary>
    public static string SamplePlugin(PluginUnderTest plugin)
    {
        var relative = plugin switch
        {
            PluginUnderTest.WasmAssemblyScript => Path.Combine("samples", "wasm", "assemblyscript", "build", "openai-compatible.wasm"),
            PluginUnderTest.WasmC => Path.Combine("samples", "wasm", "c", "build", "openai-compatible.wasm"),
            PluginUnderTest.NativeC => Path.Combine("samples", "wasm", "c", "build", "libopenai_compatible.so"),
            _ => throw new ArgumentOutOfRangeException(nameof(plugin), plugin, "The built-in backend has no plugin file."),
        };
        var path = Path.Combine(Root, relative);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The sample plugin {relative} is not built: run `{BuildCommand}` from the repository root (its prerequisites: bash scripts/install-prerequisites.sh), then run the benchmark again.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmBackend.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"The repository root (the folder with LlmBackend.slnx) is not above {AppContext.BaseDirectory}: run the benchmarks from a clone with bash benchmarks/run-micro.sh.");
    }
}
