namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>Where test assets live.</summary>
public static class TestPaths
{
    /// <summary>Gets the folder the test project copies each test plugin's build output into.</summary>
    public static string TestPlugins => Path.Combine(AppContext.BaseDirectory, "test-plugins");

    /// <summary>Gets the repository root (the folder holding LlmBackend.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmBackend.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find the repository root (LlmBackend.slnx) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Gets the path of a test plugin's main DLL.</summary>
    public static string TestPluginDll(string project) => Path.Combine(TestPlugins, project, project + ".dll");

    /// <summary>Copies a test plugin's whole output folder into <paramref name="destination"/>/<paramref name="project"/>.</summary>
    public static string CopyTestPlugin(string project, string destination, params string[] except)
    {
        var target = Path.Combine(destination, project);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(TestPlugins, project)))
        {
            if (!except.Contains(Path.GetFileName(file), StringComparer.OrdinalIgnoreCase))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
        }

        return target;
    }
}
