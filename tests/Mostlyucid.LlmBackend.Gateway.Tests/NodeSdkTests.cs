using System.Diagnostics;
using System.Text.Json;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>
/// Runs the scripts in tests/node against this fixture's gateway: openai-sdk.test.mjs (the official <c>openai</c> npm
/// package), anthropic-sdk.test.mjs (<c>@anthropic-ai/sdk</c>: count_tokens, request ids) and langchain.test.mjs (LangChain
/// JS with its defaults). Needs Node 20+ and <c>npm ci --prefix tests/node</c> (scripts/install-prerequisites.sh does both).
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed class NodeSdkTests(GatewayFixture gateway)
{
    [Fact]
    public Task OpenAiNpmPackage_ChatStreamToolsEmbeddingsModelsAndErrors() => RunAsync("openai-sdk.test.mjs", "openai");

    [Fact]
    public Task AnthropicNpmPackage_CountTokensAndRequestIds() => RunAsync("anthropic-sdk.test.mjs", "@anthropic-ai/sdk");

    [Fact]
    public Task LangChainJs_DefaultsTextStreamingToolLoopStructuredOutputEmbeddings() => RunAsync("langchain.test.mjs", "@langchain/openai");

    /// <summary>Runs one tests/node script with <c>node --test</c> against this fixture's gateway; every test in it must pass.</summary>
    private async Task RunAsync(string script, string package)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "node");
        Assert.True(
            File.Exists(Path.Combine(folder, "node_modules", package, "package.json")),
            $"The {package} npm package is not installed: run `npm ci --prefix tests/node` (scripts/install-prerequisites.sh does it).");

        var start = new ProcessStartInfo("node", $"--test --test-reporter=spec {script}")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["GATEWAY_URL"] = gateway.BaseUrl,
                ["GATEWAY_KEY"] = GatewayFixture.Key,
                ["EXPECTED_ALPHA"] = JsonSerializer.Serialize(FakeBrain.Embed("alpha", 8)),
            },
        };

        Process node;
        try
        {
            node = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"Node is not installed or not on PATH ({ex.Message}): install Node 20 or later (scripts/install-prerequisites.sh checks for it).");
            return;
        }

        using (node)
        {
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await node.WaitForExitAsync(timeout.Token);
            var report = await output + await errors;
            Assert.True(node.ExitCode == 0, $"node --test {script} failed:\n" + report);
            Assert.Contains("ℹ fail 0", report, StringComparison.Ordinal);
            Assert.DoesNotContain("ℹ pass 0", report, StringComparison.Ordinal);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmBackend.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (LlmBackend.slnx).");
    }
}
