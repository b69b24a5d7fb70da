using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>The README's main job: the gateway on its embedded defaults, with no provider configured, answers through Mock.</summary>
public sealed class MainJobTests
{
    private static readonly string[] ProviderKeys =
    {
        "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "DEEPSEEK_API_KEY",
        "XAI_API_KEY", "OPENROUTER_API_KEY", "TOGETHER_API_KEY", "COHERE_API_KEY",
    };

    [Fact]
    public async Task EmbeddedDefaults_WithoutProviders_ServeTheMockAndSaySoInTheModel()
    {
        if (ProviderKeys.FirstOrDefault(k => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k))) is { } set)
        {
            Assert.Skip($"{set} is set here, so the defaults would use a real provider.");
        }

        var app = GatewayApplication.Create(new[] { "--urls", "http://127.0.0.1:0" }, builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:OllamaUrl"] = "http://127.0.0.1:9" }));
        await using (app)
        {
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(url) };

            using var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "auto", messages = new[] { new { role = "user", content = "Hello" } } });
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var models = JsonNode.Parse(await http.GetStringAsync("/v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());

            Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
            Assert.Equal("mock", body["model"]!.GetValue<string>());
            Assert.StartsWith("Mock answer from Mock", body["choices"]![0]!["message"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(new[] { "auto", "Mock" }, models.Where(m => m is "auto" or "Mock" or "mock"));
            await app.StopAsync();
        }
    }
}
