using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Integration;

/// <summary>
/// The plugin guide end to end: the sample plugin (built from the guide against the packed package) is dropped into an
/// application's plugins/ folder, configured with the guide's JSON, and answers through ILlmService from a real HTTP server.
/// </summary>
[Collection(nameof(MistralApiKeyCollection))]
public sealed class GuidePluginTests : IAsyncLifetime
{
    private const string MistralKey = "test-mistral-key";
    private readonly TempDirectory _app = new();
    private readonly CollectingLoggerProvider _logs = new();
    private FakeProviderServer _mistral = null!;
    private FakeProviderServer _openAi = null!;
    private IHost? _host;

    public async ValueTask InitializeAsync()
    {
        _mistral = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = MistralKey, Models = { "mistral-large-latest" } });
        _openAi = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "sk-openai", Models = { "gpt-4o-mini" } });
        Environment.SetEnvironmentVariable("MISTRAL_API_KEY", MistralKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await _mistral.DisposeAsync();
        await _openAi.DisposeAsync();
        Environment.SetEnvironmentVariable("MISTRAL_API_KEY", null);
        _app.Dispose();
    }

    [Fact]
    public async Task GuidePlugin_DroppedIntoPlugins_ConfiguredAsTheGuideShows_AnswersThroughILlmService()
    {
        var llm = await StartAppAsync(SamplePlugins.Sample, $$"""
            {
              "LlmSettings": {
                "Plugins": { "Enabled": true, "PluginDirectory": "plugins", "LoadOnStartup": true },
                "Backends": [
                  {
                    "Name": "Mistral-Large",
                    "Type": "OpenAI",
                    "CustomBackendType": "Mistral",
                    "BaseUrl": "{{_mistral.BaseUrl}}",
                    "ApiKey": "${MISTRAL_API_KEY}",
                    "ModelName": "mistral-large-latest",
                    "Priority": 1,
                    "Enabled": true
                  }
                ]
              }
            }
            """);

        var answer = await llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Role = "user", Content = "Bonjour Mistral" } } });

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal("Echo from mistral-large-latest: Bonjour Mistral", answer.Content);
        Assert.Equal("Mistral-Large", answer.BackendUsed);
        Assert.Equal("mistral-large-latest", answer.ModelUsed);
        Assert.Equal("stop", answer.FinishReason);
        Assert.True(answer.TotalTokens > 0);

        var sent = Assert.Single(_mistral.ChatRequests);
        Assert.Equal("Bearer " + MistralKey, sent.Headers["Authorization"]);
        Assert.Equal("""{"model":"mistral-large-latest","messages":[{"role":"user","content":"Bonjour Mistral"}],"temperature":0.7,"max_tokens":2000}""", sent.Body);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Loaded plugin Mistral AI Plugin (com.mycompany.llmbackend.mistral 1.0.0) from " + Path.Combine(_app.Path, "plugins", SamplePlugins.DllName), StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(MistralKey, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Failover_ByPriority_AcrossABuiltInAndAPluginBackend(bool builtInFirst)
    {
        var (first, second) = builtInFirst ? (_openAi, _mistral) : (_mistral, _openAi);
        first.ForcedStatus = 503;
        var llm = await StartAppAsync(SamplePlugins.Sample, $$"""
            {
              "LlmSettings": {
                "Plugins": { "Enabled": true, "PluginDirectory": "plugins", "LoadOnStartup": true },
                "Backends": [
                  { "Name": "Mistral-Large", "Type": "OpenAI", "CustomBackendType": "Mistral", "BaseUrl": "{{_mistral.BaseUrl}}",
                    "ApiKey": "${MISTRAL_API_KEY}", "ModelName": "mistral-large-latest", "Priority": {{(builtInFirst ? 2 : 1)}} },
                  { "Name": "OpenAI-Mini", "Type": "OpenAI", "BaseUrl": "{{_openAi.BaseUrl}}/v1", "ApiKey": "sk-openai",
                    "ModelName": "gpt-4o-mini", "Priority": {{(builtInFirst ? 1 : 2)}} }
                ]
              }
            }
            """);

        var answer = await llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Role = "user", Content = "still there?" } } });

        var (failed, answered, model) = builtInFirst ? ("OpenAI-Mini", "Mistral-Large", "mistral-large-latest") : ("Mistral-Large", "OpenAI-Mini", "gpt-4o-mini");
        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal(answered, answer.BackendUsed);
        Assert.Equal(model, answer.ModelUsed);
        Assert.Equal($"Echo from {model}: still there?", answer.Content);
        // A 503 is worth retrying: the down backend is tried three times (MaxRetries 2, with backoff), then the other answers.
        Assert.Equal(new[] { failed, failed, failed, answered }, answer.Attempts.Select(a => a.BackendName));
        Assert.All(answer.Attempts.Take(3), a => Assert.Equal((LlmErrorKind.ServerError, 503), (a.Error!.Kind, a.Error.StatusCode!.Value)));
        Assert.Equal(3, first.ChatRequests.Count);
        Assert.Single(second.ChatRequests);
        var stats = llm.GetStatistics().Backends;
        Assert.Equal(3, stats.Single(b => b.BackendName == failed).FailedRequests);
        Assert.Equal(1, stats.Single(b => b.BackendName == answered).SuccessfulRequests);
    }

    [Fact]
    public async Task GuideVerbatim_LoadsAndIsRouted_ButItsEmptyAnswerIsFlaggedWithTheFix()
    {
        var llm = await StartAppAsync(SamplePlugins.Verbatim, $$"""
            { "LlmSettings": {
                "Plugins": { "Enabled": true, "PluginDirectory": "plugins", "LoadOnStartup": true },
                "Backends": [ { "Name": "Mistral-Large", "Type": "OpenAI", "CustomBackendType": "Mistral", "BaseUrl": "{{_mistral.BaseUrl}}",
                                "ApiKey": "${MISTRAL_API_KEY}", "ModelName": "mistral-large-latest", "Priority": 1, "Enabled": true } ] } }
            """);

        var answer = await llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Role = "user", Content = "hello" } } });

        Assert.True(answer.Success);
        Assert.Equal(string.Empty, answer.Content);
        Assert.Single(_mistral.ChatRequests);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3003 && e.Message.StartsWith("Backend Mistral-Large reported success with no content", StringComparison.Ordinal));
    }

    private async Task<ILlmService> StartAppAsync(string pluginDll, string appSettings)
    {
        Directory.CreateDirectory(_app.Combine("plugins"));
        File.Copy(pluginDll, _app.Combine("plugins", SamplePlugins.DllName));
        File.WriteAllText(_app.Combine("appsettings.json"), appSettings);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _app.Path, DisableDefaults = true });
        builder.Configuration.AddJsonFile(_app.Combine("appsettings.json"));
        builder.Logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddLlmBackend(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
        return _host.Services.GetRequiredService<ILlmService>();
    }
}

/// <summary>Tests that set MISTRAL_API_KEY in the process environment run one at a time.</summary>
[CollectionDefinition(nameof(MistralApiKeyCollection), DisableParallelization = true)]
public sealed class MistralApiKeyCollection
{
}
