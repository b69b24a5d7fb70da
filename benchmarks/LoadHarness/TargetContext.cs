namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>What a target needs to start: paths, the core it runs on, where logs go.</summary>
internal sealed record TargetContext(string Root, string? Core, string LogDirectory)
{
    public string Benchmarks => Path.Combine(Root, "benchmarks");
}
