using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Reload;

/// <summary>
/// A gateway started on an <c>appsettings.json</c> in a folder of its own (its content root), which a test edits while the
/// gateway runs, as a user edits the running gateway's file. Saves replace the file whole (written beside it, then renamed
/// over it), as editors do, so the gateway never reads a half-written file.
/// </summary>
internal sealed class ReloadingGateway : IAsyncDisposable
{
    public const string AdminKey = "reload-admin-key-0123456789";
    public const string UserKey = "reload-user-key-0123456789";
    public const string NewKey = "reload-new-key-0123456789";

    private readonly string _folder;

    private ReloadingGateway(string folder, TestGateway gateway, CapturedLogs logs)
    {
        _folder = folder;
        Gateway = gateway;
        Logs = logs;
        Http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public TestGateway Gateway { get; }

    public CapturedLogs Logs { get; }

    public HttpClient Http { get; }

    /// <summary>Starts a gateway whose whole configuration is <paramref name="settings"/>, in its <c>appsettings.json</c>.</summary>
    public static async Task<ReloadingGateway> StartAsync(JsonObject settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "llmb-reload-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), settings.ToJsonString());
        var logs = new CapturedLogs();
        var gateway = await TestGateway.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.Logging.AddProvider(logs),
            "--contentRoot",
            folder);
        return new ReloadingGateway(folder, gateway, logs);
    }

    /// <summary>A configuration: an admin key and a user key, Mock backends <c>a</c> and <c>b</c>, route <c>smart</c> to <paramref name="routeTo"/>.</summary>
    public static JsonObject Settings(string routeTo = "a") => new()
    {
        [GatewaySettings.SectionName] = new JsonObject
        {
            ["ApiKeys"] = new JsonArray(Key("admin", AdminKey, admin: true), Key("user", UserKey)),
        },
        ["LlmSettings"] = new JsonObject
        {
            ["Resilience"] = new JsonObject { ["MaxRetries"] = 0 },
            ["Backends"] = new JsonArray(Backend("a"), Backend("b")),
            ["Routes"] = new JsonArray(new JsonObject { ["Name"] = "smart", ["Backends"] = new JsonArray(routeTo) }),
        },
    };

    public static JsonObject Key(string name, string key, bool admin = false)
    {
        var config = new JsonObject { ["Name"] = name, ["Key"] = key };
        if (admin)
        {
            config["Role"] = "Admin";
        }

        return config;
    }

    public static JsonObject Backend(string name) => new() { ["Name"] = name, ["Type"] = "Mock", ["ModelName"] = "model-" + name };

    /// <summary>Saves the configuration file as an editor does: the new content beside it, renamed over it.</summary>
    public Task SaveAsync(JsonObject settings) => SaveTextAsync(settings.ToJsonString());

    /// <summary>Saves raw text as the configuration file.</summary>
    public async Task SaveTextAsync(string text)
    {
        var temporary = Path.Combine(_folder, "appsettings.json.tmp");
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, Path.Combine(_folder, "appsettings.json"), overwrite: true);
    }

    /// <summary>Asks for a chat completion; returns the status and the backend that answered.</summary>
    public async Task<(HttpStatusCode Status, string? Backend)> ChatAsync(string model, string? key = UserKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, response.Headers.TryGetValues("x-llmb-backend", out var backend) ? backend.Single() : null);
    }

    /// <summary>Reads <c>GET /admin/config</c> with <paramref name="key"/>.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> StatusAsync(string? key = AdminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/config");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Waits until <paramref name="condition"/> holds, for at most 10 s.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within 10 s: {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
