using System.Diagnostics;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// The sample provider plugins under samples/wasm, built from source by samples/wasm/build.sh (AssemblyScript with asc,
/// C with clang for wasm32-wasi and with gcc as a native library). scripts/test.sh builds them before the tests; when a
/// test runs without them (a plain <c>dotnet test</c>), the first one to need them runs the build.
/// </summary>
internal static class WasmSamples
{
    private static readonly Lazy<string?> BuildFailure = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string AssemblyScript => Require(Path.Combine("samples", "wasm", "assemblyscript", "build", "openai-compatible.wasm"));

    public static string CWasm => Require(Path.Combine("samples", "wasm", "c", "build", "openai-compatible.wasm"));

    public static string CNative => Require(Path.Combine("samples", "wasm", "c", "build", "libopenai_compatible.so"));

    /// <summary>Gets the misbehaving test plugin (Wasm/Plugins/misbehaving.wat), compiled with wat2wasm.</summary>
    public static string Misbehaving => Misbehaved.Value;

    private static readonly Lazy<string> Misbehaved = new(() =>
    {
        var source = Path.Combine(TestPaths.RepositoryRoot, "tests", "Mostlyucid.LlmBackend.Tests", "Wasm", "Plugins", "misbehaving.wat");
        var output = Path.Combine(Path.GetTempPath(), $"llmb-misbehaving-{Environment.ProcessId}.wasm");
        var start = new ProcessStartInfo("wat2wasm") { ArgumentList = { source, "-o", output }, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wat2wasm did not start: install wabt (scripts/install-prerequisites.sh does).");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"wat2wasm failed: {errors}");
        return output;
    });

    /// <summary>Gets the test plugin that does its own HTTP (Wasm/Plugins/in_plugin.c), compiled with clang for wasm32.</summary>
    public static string InPlugin => InPluginBuilt.Value;

    private static readonly Lazy<string> InPluginBuilt = new(() =>
    {
        var source = Path.Combine(TestPaths.RepositoryRoot, "tests", "Mostlyucid.LlmBackend.Tests", "Wasm", "Plugins", "in_plugin.c");
        var output = Path.Combine(Path.GetTempPath(), $"llmb-in-plugin-{Environment.ProcessId}.wasm");
        var start = new ProcessStartInfo("clang-14") { ArgumentList = { "--target=wasm32", "-nostdlib", "-O2", "-Wl,--no-entry", "-Wl,--allow-undefined", "-o", output, source }, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("clang-14 did not start: install clang-14 and lld (scripts/install-prerequisites.sh does).");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"clang-14 failed: {errors}");
        return output;
    });

    private static string Require(string relative)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, relative);
        if (!File.Exists(path) && BuildFailure.Value is { } failure)
        {
            Assert.Fail($"The sample plugins could not be built (bash samples/wasm/build.sh):\n{failure}");
        }

        Assert.True(File.Exists(path), $"samples/wasm/build.sh ran but {relative} is missing.");
        return path;
    }

    private static string? Build()
    {
        var start = new ProcessStartInfo("bash", Path.Combine(TestPaths.RepositoryRoot, "samples", "wasm", "build.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : output.Result + errors.Result;
    }
}
