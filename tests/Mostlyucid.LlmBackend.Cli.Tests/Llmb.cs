using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mostlyucid.LlmBackend.Cli.Tests;

/// <summary>Runs the built <c>llmb</c> as a process, the way a user or a script does.</summary>
internal static class Llmb
{
    /// <summary>Gets the built tool: src/Mostlyucid.LlmBackend.Cli/bin/&lt;configuration&gt;/net10.0/llmb.dll.</summary>
    public static string Dll { get; } = FindDll();

    public static string Repository { get; } = FindRepository();

    public static async Task<(int Exit, string Out, string Error)> RunAsync(string[] args, string? stdin = null, IDictionary<string, string?>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null, string? dotnet = null)
    {
        using var process = new Process { StartInfo = StartInfo(args, environment, workingDirectory) };
        process.StartInfo.FileName = dotnet ?? process.StartInfo.FileName;
        process.StartInfo.RedirectStandardInput = true;
        process.Start();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"llmb {string.Join(' ', args)} did not finish; output so far:\n{await output}\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts a long-running llmb (serve), returning the process; its output is collected into <paramref name="log"/>.</summary>
    public static Process Start(string[] args, StringBuilder log, IDictionary<string, string?>? environment = null)
    {
        var process = new Process { StartInfo = StartInfo(args, environment, null) };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ProcessStartInfo StartInfo(string[] args, IDictionary<string, string?>? environment, string? workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? Path.GetTempPath() };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Tests must not pick up a developer's provider keys or gateway.
        foreach (var name in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "DEEPSEEK_API_KEY", "XAI_API_KEY", "OPENROUTER_API_KEY", "TOGETHER_API_KEY", "COHERE_API_KEY", "LLMB_URL", "LLMB_KEY" })
        {
            info.Environment.Remove(name);
        }

        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmBackend.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository (LlmBackend.slnx) was not found above " + AppContext.BaseDirectory);
    }

    private static string FindDll()
    {
        // bin/<configuration>/net10.0/ of this test project → the same configuration of the CLI.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(FindRepository(), "src", "Mostlyucid.LlmBackend.Cli", "bin", configuration, "net10.0", "llmb.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the CLI first (dotnet build LlmBackend.slnx).", dll);
    }
}
