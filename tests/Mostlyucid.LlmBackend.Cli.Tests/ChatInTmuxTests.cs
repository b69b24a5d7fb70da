using System.Diagnostics;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.Cli.Tests;

/// <summary><c>llmb chat</c> driven as a person would, in a real terminal: tmux send-keys, capture-pane.</summary>
public sealed class ChatInTmuxTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmb-chat-").FullName;
    private readonly string _session = "llmb-test-" + Guid.NewGuid().ToString("N")[..8];
    private FakeProviderServer? _upstream;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        var baseUrl = _upstream.BaseUrl + "/v1";
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), new JsonObject
        {
            ["LlmSettings"] = new JsonObject
            {
                ["Backends"] = new JsonArray(
                    new JsonObject { ["Name"] = "primary", ["Type"] = "OpenAICompatible", ["BaseUrl"] = baseUrl, ["ModelName"] = "story-primary", ["ApiKey"] = "k", ["Priority"] = 1 },
                    new JsonObject { ["Name"] = "other", ["Type"] = "OpenAICompatible", ["BaseUrl"] = baseUrl, ["ModelName"] = "story-other", ["ApiKey"] = "k", ["Priority"] = 2 }),
            },
        }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await Tmux("kill-session", "-t", _session);
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Chat_StreamsAnswers_ShowsWhoAnswered_SwitchesModel_KeepsHistory_AndExits()
    {
        Assert.Equal(0, await Tmux("new-session", "-d", "-s", _session, "-x", "200", "-y", "50", $"dotnet {Llmb.Dll} chat --config {Path.Combine(_dir, "appsettings.json")}; echo LLMB-EXITED-$?; sleep 30"));
        await UntilAsync("llmb chat on config");

        await Keys("tell me a story", "Enter");
        var first = await UntilAsync("backend primary");
        await Keys("/model other", "Enter");
        await UntilAsync("model: other");
        await Keys("again please", "Enter");
        var second = await UntilAsync("backend other");
        await Keys("/history", "Enter");
        var history = await UntilAsync("user: again please");
        await Keys("/exit", "Enter");
        var end = await UntilAsync("LLMB-EXITED-");

        Assert.Contains(FakeBrain.Story[..30], first, StringComparison.Ordinal);
        Assert.Contains("model story-primary", first, StringComparison.Ordinal);
        Assert.Contains("model story-other", second, StringComparison.Ordinal);
        Assert.Contains("assistant: " + FakeBrain.Story[..20], history, StringComparison.Ordinal);
        Assert.Contains("LLMB-EXITED-0", end, StringComparison.Ordinal);

        // The second question carried the first exchange: history for the session.
        Assert.Equal(3, _upstream!.Conversations[^1].Messages.Count);
    }

    private Task<int> Keys(params string[] keys) => Tmux(new[] { "send-keys", "-t", _session }.Concat(keys).ToArray());

    private async Task<string> UntilAsync(string text)
    {
        var screen = string.Empty;
        for (var i = 0; i < 150; i++)
        {
            screen = await CaptureAsync();
            if (screen.Contains(text, StringComparison.Ordinal))
            {
                return screen;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"'{text}' never appeared; the screen:\n{screen}");
    }

    private async Task<string> CaptureAsync()
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "capture-pane", "-p", "-J", "-S", "-200", "-t", _session })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private static async Task<int> Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        foreach (var name in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LLMB_URL", "LLMB_KEY" })
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
