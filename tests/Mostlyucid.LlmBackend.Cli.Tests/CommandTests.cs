using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.FakeProvider.Brain;
using Mostlyucid.LlmBackend.FakeProvider.Faults;

namespace Mostlyucid.LlmBackend.Cli.Tests;

/// <summary>Each llmb command run as a process against a configuration file whose backends are the fake provider over HTTP.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmb-cli-").FullName;
    private FakeProviderServer? _upstream;

    private string Config => Path.Combine(_dir, "appsettings.json");

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "openai" });
        WriteConfig(primaryFault: null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold the ledger file for a moment.
        }
    }

    [Fact]
    public async Task Ask_StreamsTheAnswerToStdout_AndWhoAnsweredToStderr()
    {
        var (exit, stdout, stderr) = await Llmb.RunAsync(["ask", "--config", Config, "--model", "chat", "tell me a story"]);

        Assert.Equal(0, exit);
        Assert.Equal(FakeBrain.Story, stdout.Trim());
        Assert.Contains("backend primary", stderr, StringComparison.Ordinal);
        Assert.Contains("model story-primary", stderr, StringComparison.Ordinal);
        Assert.Contains("1 attempt", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_ThroughAWasmPlugin_NeedsNoNodeOnThePath()
    {
        // The C sample plugin, run in process on Wasmtime: the tool's PATH holds nothing at all (no node), and no
        // Node-related variable is set.
        var plugin = Path.Combine(Llmb.Repository, "samples", "wasm", "c", "build", "openai-compatible.wasm");
        Assert.True(File.Exists(plugin), $"{plugin} is missing: run bash samples/wasm/build.sh (scripts/test.sh does).");
        var config = Path.Combine(_dir, "wasm.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["LlmSettings"] = new JsonObject
            {
                ["Backends"] = new JsonArray(new JsonObject
                {
                    ["Name"] = "wasm", ["Type"] = "Wasm", ["PluginPath"] = plugin, ["BaseUrl"] = _upstream!.BaseUrl + "/v1", ["ApiKey"] = "k", ["ModelName"] = "story-wasm",
                }),
            },
        }.ToJsonString());
        var emptyPath = Directory.CreateDirectory(Path.Combine(_dir, "empty-path")).FullName;
        var dotnet = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "dotnet")).First(File.Exists);

        var (exit, stdout, stderr) = await Llmb.RunAsync(["ask", "--config", config, "--model", "story-wasm", "tell me a story"], environment: new Dictionary<string, string?> { ["PATH"] = emptyPath }, workingDirectory: _dir, dotnet: dotnet);

        Assert.True(exit == 0, stderr);
        Assert.Equal(FakeBrain.Story, stdout.Trim());
        Assert.Contains("backend wasm", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Json_IsOneObjectForScripts_WithTheFailoverVisible()
    {
        WriteConfig(primaryFault: "status=503");

        var (exit, stdout, _) = await Llmb.RunAsync(["ask", "--config", Config, "--model", "chat", "--json", "tell me a story"]);

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(FakeBrain.Story, json["text"]!.GetValue<string>());
        Assert.Equal("fallback", json["backend"]!.GetValue<string>());
        Assert.Equal(2, json["attempts"]!.GetValue<int>());
        Assert.True(json["usage"]!["completion_tokens"]!.GetValue<int>() > 0);
        Assert.Null(json["error"]);
    }

    [Fact]
    public async Task Ask_ReadsStdinWhenPiped()
    {
        var (exit, stdout, _) = await Llmb.RunAsync(["ask", "--config", Config, "--model", "chat"], stdin: "tell me a story\n");

        Assert.Equal(0, exit);
        Assert.Equal(FakeBrain.Story, stdout.Trim());
        Assert.Contains(_upstream!.Conversations, c => c.Messages[^1].Text.Contains("tell me a story", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ask_AFailure_ExitsNonZero_WithTheErrorOnStderr()
    {
        WriteConfig(primaryFault: "status=400");

        var (exit, stdout, stderr) = await Llmb.RunAsync(["ask", "--config", Config, "--model", "chat", "tell me a story"]);
        var (jsonExit, json, _) = await Llmb.RunAsync(["ask", "--config", Config, "--model", "chat", "--json", "tell me a story"]);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout.Trim());
        Assert.Contains("error:", stderr, StringComparison.Ordinal);
        Assert.Equal(1, jsonExit);
        Assert.Equal("InvalidRequest", JsonNode.Parse(json)!["error"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ask_NothingToAsk_OrAMissingFile_IsExitCode2()
    {
        var (noQuestion, _, stderr) = await Llmb.RunAsync(["ask", "--config", Config], stdin: string.Empty);
        var (noFile, _, fileError) = await Llmb.RunAsync(["ask", "--config", Path.Combine(_dir, "nope.json"), "hi"]);

        Assert.Equal(2, noQuestion);
        Assert.Contains("Nothing to ask", stderr, StringComparison.Ordinal);
        Assert.Equal(2, noFile);
        Assert.Contains("nope.json does not exist", fileError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_ListsEveryProblemAtOnce_WithExitCode2()
    {
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, """
            { "LlmSettings": { "TimeoutSeconds": 0, "Backends": [
              { "Name": "a", "Type": "NoSuchType" },
              { "Name": "b", "Type": "OpenAICompatible", "BaseUrl": "not a url", "Priority": 1 } ] } }
            """);

        var (exit, _, stderr) = await Llmb.RunAsync(["config", "check", bad]);

        Assert.Equal(2, exit);
        Assert.Contains("problem(s)", stderr, StringComparison.Ordinal);
        Assert.Contains("TimeoutSeconds", stderr, StringComparison.Ordinal);
        Assert.Contains("NoSuchType", stderr, StringComparison.Ordinal);
        Assert.Contains("BaseUrl must be an absolute", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_ExplainsEachRoute_InOrder_WithItsLimits()
    {
        var (exit, stdout, stderr) = await Llmb.RunAsync(["config", "check", Config]);

        Assert.True(exit == 0, stderr);
        Assert.Contains("valid", stdout, StringComparison.Ordinal);
        Assert.Contains("tries primary → fallback", stdout, StringComparison.Ordinal);
        Assert.Contains("first token 7 s", stdout, StringComparison.Ordinal);
        Assert.Contains("$2.5 Daily", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsAndBackends_AsJson()
    {
        var (modelsExit, models, _) = await Llmb.RunAsync(["models", "--config", Config, "--json"]);
        var (backendsExit, backends, _) = await Llmb.RunAsync(["backends", "--config", Config, "--json"]);

        Assert.Equal((0, 0), (modelsExit, backendsExit));
        var chat = JsonNode.Parse(models)!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "chat")!;
        Assert.Equal("Route", chat["kind"]!.GetValue<string>());
        Assert.Equal(["primary", "fallback"], chat["backends"]!.AsArray().Select(b => b!.GetValue<string>()));
        var rows = JsonNode.Parse(backends)!.AsArray();
        Assert.Equal(["primary", "fallback"], rows.Select(b => b!["name"]!.GetValue<string>()));
        Assert.All(rows, b => Assert.Equal(("Ready", "healthy", "Closed"), (b!["status"]!.GetValue<string>(), b["health"]!.GetValue<string>(), b["circuit"]!.GetValue<string>())));
    }

    [Fact]
    public async Task KeyNew_PrintsAKeyAndItsSha256()
    {
        var (exit, stdout, _) = await Llmb.RunAsync(["key", "new", "--name", "team-a", "--json"]);

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(stdout)!;
        var key = json["key"]!.GetValue<string>();
        Assert.StartsWith("llmb-", key, StringComparison.Ordinal);
        Assert.True(key.Length >= 40);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), json["sha256"]!.GetValue<string>());
        Assert.Equal("team-a", json["configuration"]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Serve_ThenEveryCommandAgainstTheRunningGateway_AndUsageFromItsLedger()
    {
        var admin = "llmb-admin-test-key-0123456789";
        var user = "llmb-user-test-key-0123456789";
        WriteConfig(primaryFault: null, keys: (admin, user));
        var port = Llmb.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var log = new StringBuilder();
        using var serve = Llmb.Start(["serve", "--config", Config, "--urls", url], log);
        try
        {
            await WaitForAsync(url, log);

            var ask = await Llmb.RunAsync(["ask", "--url", url, "--key", user, "--model", "chat", "tell me a story"]);
            var json = await Llmb.RunAsync(["ask", "--url", url, "--key", user, "--model", "chat", "--json", "tell me a story"]);
            var denied = await Llmb.RunAsync(["ask", "--url", url, "--key", "wrong", "--model", "chat", "hi"]);
            var models = await Llmb.RunAsync(["models", "--url", url, "--key", user, "--json"]);
            var backends = await Llmb.RunAsync(["backends", "--url", url, "--key", user, "--json"]);
            await Task.Delay(1500);
            var remoteUsage = await Llmb.RunAsync(["usage", "--url", url, "--key", admin, "--by", "backend", "--json"]);
            var localUsage = await Llmb.RunAsync(["usage", "--config", Config, "--by", "route", "--json"]);

            Assert.True(ask.Exit == 0, ask.Error);
            Assert.Equal(FakeBrain.Story, ask.Out.Trim());
            Assert.Contains("backend primary", ask.Error, StringComparison.Ordinal);
            Assert.Equal("primary", JsonNode.Parse(json.Out)!["backend"]!.GetValue<string>());
            Assert.Equal(1, denied.Exit);
            Assert.Contains("key", denied.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(JsonNode.Parse(models.Out)!.AsArray(), m => m!["name"]!.GetValue<string>() == "chat");
            Assert.Equal(["primary", "fallback"], JsonNode.Parse(backends.Out)!.AsArray().Select(b => b!["name"]!.GetValue<string>()));
            Assert.True(remoteUsage.Exit == 0, remoteUsage.Error);
            Assert.Equal(2, JsonNode.Parse(remoteUsage.Out)!["totals"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "primary")!["requests"]!.GetValue<long>());
            Assert.True(localUsage.Exit == 0, localUsage.Error);
            Assert.Equal(2, JsonNode.Parse(localUsage.Out)!["totals"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == "chat")!["requests"]!.GetValue<long>());
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_WithAConfigFile_TakesAKeyAddedToItWithoutARestart()
    {
        var admin = "llmb-admin-test-key-0123456789";
        var user = "llmb-user-test-key-0123456789";
        var added = "llmb-added-test-key-0123456789";
        WriteConfig(primaryFault: null, keys: (admin, user));
        var file = Path.Combine(_dir, "gateway.json");
        var settings = JsonNode.Parse(File.ReadAllText(Config))!.AsObject();
        File.WriteAllText(file, settings.ToJsonString());
        var url = $"http://127.0.0.1:{Llmb.FreePort()}";
        var log = new StringBuilder();
        using var serve = Llmb.Start(["serve", "--config", file, "--urls", url], log);
        try
        {
            await WaitForAsync(url, log);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await ChatStatusAsync(http, added));

            settings["Gateway"]!["ApiKeys"]!.AsArray().Add(new JsonObject { ["Name"] = "added", ["Key"] = added });
            File.WriteAllText(file + ".tmp", settings.ToJsonString());
            File.Move(file + ".tmp", file, overwrite: true);

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (await ChatStatusAsync(http, added) != System.Net.HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "The key added to the file was not accepted within 10 s:\n" + log);
                await Task.Delay(100);
            }

            Assert.Equal(System.Net.HttpStatusCode.OK, await ChatStatusAsync(http, user));
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    private static async Task<System.Net.HttpStatusCode> ChatStatusAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    internal static async Task WaitForAsync(string url, StringBuilder log)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var response = await http.GetAsync(url + "/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("llmb serve did not start:\n" + log);
    }

    private void WriteConfig(string? primaryFault, (string Admin, string User)? keys = null)
    {
        var baseUrl = _upstream!.BaseUrl + "/v1";
        var headers = primaryFault is null ? new JsonObject() : new JsonObject { [FakeFault.Header] = primaryFault };
        var root = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["LlmSettings"] = new JsonObject
            {
                ["Resilience"] = new JsonObject { ["MaxRetries"] = 0 },
                ["Backends"] = new JsonArray(
                    new JsonObject { ["Name"] = "primary", ["Type"] = "OpenAICompatible", ["BaseUrl"] = baseUrl, ["ModelName"] = "story-primary", ["ApiKey"] = "k", ["Priority"] = 1, ["FirstTokenTimeoutSeconds"] = 7, ["Headers"] = headers },
                    new JsonObject { ["Name"] = "fallback", ["Type"] = "OpenAICompatible", ["BaseUrl"] = baseUrl, ["ModelName"] = "story-fallback", ["ApiKey"] = "k", ["Priority"] = 2, ["MaxSpendUsd"] = 2.5, ["SpendResetPeriod"] = "Daily" }),
                ["Routes"] = new JsonArray(new JsonObject { ["Name"] = "chat", ["Backends"] = new JsonArray("primary", "fallback") }),
            },
        };
        if (keys is { } k)
        {
            root["Gateway"] = new JsonObject
            {
                ["ApiKeys"] = new JsonArray(
                    new JsonObject { ["Name"] = "ops", ["Key"] = k.Admin, ["Role"] = "Admin" },
                    new JsonObject { ["Name"] = "user", ["Key"] = k.User }),
            };
        }

        File.WriteAllText(Config, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
