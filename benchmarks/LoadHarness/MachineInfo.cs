using System.Runtime.InteropServices;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>Describes the machine the numbers came from.</summary>
internal static class MachineInfo
{
    public static async Task<string> DescribeAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var virtualized = File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains(" hypervisor", StringComparison.Ordinal) ? ", virtual machine" : string.Empty;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease").ConfigureAwait(false)).Trim() : "?";
        var node = await VersionAsync("node", "--version").ConfigureAwait(false);
        var wrk = (await VersionAsync("wrk", "-v").ConfigureAwait(false)).Split(' ').Take(2);
        return $"Machine: {cpu}, {Environment.ProcessorCount} cores{virtualized}, {memory} RAM, {RuntimeInformation.OSDescription} (kernel {kernel}); " +
            $".NET {Environment.Version}, Node {node}, {string.Join(' ', wrk)}";
    }

    private static async Task<string> VersionAsync(string tool, string flag)
    {
        try
        {
            var output = await ManagedProcess.RunAsync(null, tool, new[] { flag }, timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return output.Split('\n')[0].Trim();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException or InvalidOperationException)
        {
            return "(not found)";
        }
    }
}
