namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// The plugins in samples/, built against the packed package by scripts/test.sh. When they have not been built (a plain
/// "dotnet test" of this project), tests that need them are skipped locally and fail in CI.
/// </summary>
public static class SamplePlugins
{
    public const string DllName = "MyCompany.LlmBackend.MistralPlugin.dll";

    /// <summary>Gets the guide-following sample plugin (with its one JSON fix).</summary>
    public static string Sample => Require("MistralPlugin");

    /// <summary>Gets the guide's code copied word for word.</summary>
    public static string Verbatim => Require("GuideVerbatim");

    private static string Require(string project)
    {
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var path = Path.Combine(TestPaths.RepositoryRoot, "samples", "PluginGuide", project, "bin", configuration, "net8.0", DllName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        var message = $"samples/PluginGuide/{project} has not been built against the packed package. Run `bash scripts/test.sh` (it packs the library, builds the samples, then runs every test).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return string.Empty;
    }
}
