using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// A broken configuration is reported once, with every problem of every section and file, and the gateway exits with a
/// non-zero code and no stack trace. Values that may be secrets are never repeated in the report.
/// </summary>
public sealed class ConfigurationReportTests
{
    [Fact]
    public void ProblemsInEverySection_AreReportedTogether()
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Create(
            new[] { "--urls", "http://127.0.0.1:0" },
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:MaxRequestBodyBytes"] = "0",
                ["Gateway:AllowedOrigins:0"] = "*",
                ["Gateway:ApiKeys:0:Name"] = "team",
                ["Gateway:ApiKeys:0:Key"] = "team-key-0123456789abcdef",
                ["Gateway:ApiKeys:0:AllowedModels:0"] = "gpt-nothing",
                ["Gateway:ApiKeys:0:AllowedModels:1"] = "main",
                ["LlmSettings:Resilience:MaxRetriez"] = "2",
                ["LlmSettings:Resilience:RetryBaseDelayMs"] = "-1",
                ["LlmSettings:Backends:0:Name"] = "main",
                ["LlmSettings:Backends:0:Type"] = "OpenAl",
                ["LlmSettings:Backends:0:ModelName"] = "gpt-4o-mini",
                ["LlmSettings:Backends:1:Name"] = "proxied",
                ["LlmSettings:Backends:1:Type"] = "OpenAI",
                ["LlmSettings:Backends:1:BaseUrl"] = "https://alice:hunter2-password@proxy.example/v1",
                ["LlmSettings:Backends:1:Headers:X-Extra"] = "value\r\nX-Injected: yes",
            })));

        var problems = error.Problems;
        Assert.Contains("Gateway:MaxRequestBodyBytes: must be greater than 0 (found 0).", problems);
        Assert.DoesNotContain(problems, p => p.StartsWith("Gateway:AllowedOrigins", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Gateway:ApiKeys:0:AllowedModels:0: 'gpt-nothing' is not a route, a backend or a configured model", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("AllowedModels:1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LlmSettings:Resilience:MaxRetriez: unknown setting 'MaxRetriez'. Did you mean 'MaxRetries'?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LlmSettings:Resilience:RetryBaseDelayMs must be greater than 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Backend type OpenAl is not supported. Did you mean 'OpenAI'?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BaseUrl contains a user name or password", StringComparison.Ordinal) && p.Contains("ApiKey", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Headers:X-Extra: the value contains a line break", StringComparison.Ordinal));
        Assert.StartsWith($"The configuration has {problems.Count} problems:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Injected", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("team-key-0123456789abcdef", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WildcardOrigin_WithoutKeys_IsRefused()
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Create(
            new[] { "--urls", "http://127.0.0.1:0" },
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:AllowedOrigins:0"] = "*",
                ["Gateway:AllowedOrigins:1"] = "https://app.example/path",
                ["Gateway:OllamaUrl"] = "http://127.0.0.1:9",
            })));

        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:AllowedOrigins:0: '*' would let every web page", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Gateway:AllowedOrigins:1: 'https://app.example/path' is not an origin", StringComparison.Ordinal));
    }

    [Fact]
    public void KeyGivenTwiceInAConfigurationFile_IsAListedProblem_WithTheOthers()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "appsettings.json"), """
            {
              "Gateway": { "MaxRequestBodyBytes": -1 },
              "LlmSettings": {
                "Backends": [
                  { "Name": "a", "Type": "Mock",
                    "Name": "b" }
                ]
              },
              "Gateway": { "OllamaUrl": "http://127.0.0.1:9" }
            }
            """);

        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Create(new[] { "--contentRoot", folder.Path, "--urls", "http://127.0.0.1:0" }));

        Assert.Contains("appsettings.json: line 6: the key 'LlmSettings:Backends:0:Name' is given a second time (first on line 5). A configuration file may give each key once: delete one of them.", error.Problems);
        Assert.Contains("Gateway:MaxRequestBodyBytes: must be greater than 0 (found -1).", error.Problems);
    }

    [Fact]
    public async Task BrokenConfiguration_StopsTheProcess_WithTheReport_AndNoStackTrace()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "appsettings.json"), """
            { "Gateway": { "ApiKeys": [ { "Name": "x", "Key": "short" } ], "MaxRequestBodyBytes": 1000, "MaxRequestBodyBytes": 2000 },
              "LlmSettings": { "Backends": [ { "Name": "a", "Type": "Mock" }, { "Name": "a", "Type": "Mock" } ] },
              "LlmSettings": { "TimeoutSeconds": 0 } }
            """);
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "Mostlyucid.LlmBackend.Gateway.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { gatewayDll, "--contentRoot", folder.Path, "--urls", "http://127.0.0.1:0" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stderr + await stdout;

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("The configuration has", output, StringComparison.Ordinal);
        Assert.Contains("is given a second time", output, StringComparison.Ordinal);
        Assert.Contains("Gateway:ApiKeys:0:Key: a key must be at least 16 characters long.", output, StringComparison.Ordinal);
        Assert.Contains("'a' is also the name of", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    private sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmb-config-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
