using System.Diagnostics;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// Runs tests/node/responses.test.mjs — the Responses API through the <c>openai</c> npm package, the Vercel AI SDK and
/// LangChain JS, each with its default settings — against this fixture's gateway. Needs Node 20+ and
/// <c>npm ci --prefix tests/node</c> (scripts/install-prerequisites.sh does both).
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed class ResponsesNodeTests(GatewayFixture gateway)
{
    [Fact]
    public async Task OpenAiNpmVercelAiSdkAndLangChain_UseTheResponsesApi()
    {
        var folder = Path.Combine(NodeSdkTests.RepositoryRoot(), "tests", "node");
        foreach (var package in new[] { "openai", "ai", "@ai-sdk/openai", "@langchain/openai", "zod" })
        {
            Assert.True(
                File.Exists(Path.Combine(folder, "node_modules", package, "package.json")),
                $"The npm package {package} is not installed: run `npm ci --prefix tests/node` (scripts/install-prerequisites.sh does it).");
        }

        var start = new ProcessStartInfo("node", "--test --test-reporter=spec responses.test.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["GATEWAY_URL"] = gateway.BaseUrl, ["GATEWAY_KEY"] = GatewayFixture.Key },
        };

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await node.WaitForExitAsync(timeout.Token);
        var report = await output + await errors;
        Assert.True(node.ExitCode == 0, "node --test failed:\n" + report);
        Assert.Contains("ℹ fail 0", report, StringComparison.Ordinal);
        Assert.DoesNotContain("ℹ pass 0", report, StringComparison.Ordinal);
    }
}
