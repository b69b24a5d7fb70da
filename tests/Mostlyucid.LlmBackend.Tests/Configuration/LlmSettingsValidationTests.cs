using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Configuration;

/// <summary>Every configuration problem is reported, with its path, and all of them at once.</summary>
public class LlmSettingsValidationTests
{
    private static IReadOnlyList<string> ProblemsOf(Action<LlmSettings> configure)
    {
        using var host = LlmTestHost.Create(configure);
        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());
        return error.Problems;
    }

    private static LlmBackendConfig OpenAi(string name) => new() { Name = name, Type = "OpenAI", ModelName = "gpt", ApiKey = "k" };

    [Fact]
    public void NoBackends_IsAProblem()
    {
        Assert.Contains(ProblemsOf(_ => { }), p => p.StartsWith("LlmSettings:Backends: no backends are configured", StringComparison.Ordinal));
    }

    [Fact]
    public void ResilienceProblems_AreAllReportedAtOnce_WithTheirPaths()
    {
        var problems = ProblemsOf(settings =>
        {
            settings.Backends.Add(OpenAi("a"));
            settings.Backends[0].MaxRetries = -1;
            settings.Backends[0].IdleTimeoutSeconds = 0;
            settings.Resilience.MaxRetries = -2;
            settings.Resilience.RetryBaseDelayMs = 1000;
            settings.Resilience.RetryMaxDelayMs = 100;
            settings.Resilience.FirstTokenTimeoutSeconds = 0;
            settings.Resilience.CircuitBreaker.FailureRatio = 1.5;
            settings.Resilience.CircuitBreaker.BreakSeconds = 0;
        });

        Assert.Equal(
            new[]
            {
                "LlmSettings:Resilience:MaxRetries must be 0 or more (found -2).",
                "LlmSettings:Resilience:RetryMaxDelayMs (100) must be at least RetryBaseDelayMs (1000).",
                "LlmSettings:Resilience:FirstTokenTimeoutSeconds must be greater than 0 (found 0).",
                "LlmSettings:Resilience:CircuitBreaker:FailureRatio must be above 0 and at most 1 (found 1.5); to turn circuit breaking off set CircuitBreaker:Enabled to false.",
                "LlmSettings:Resilience:CircuitBreaker:BreakSeconds must be greater than 0 (found 0).",
                "LlmSettings:Backends:0 (backend 'a'): IdleTimeoutSeconds must be greater than 0 (found 0).",
                "LlmSettings:Backends:0 (backend 'a'): MaxRetries must be 0 or more (found -1).",
            },
            problems);
    }

    [Fact]
    public void MissingSection_SaysWhichSectionIsExpected()
    {
        using var host = LlmTestHost.FromJson("""{ "Other": {} }""");

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Contains(error.Problems, p => p.StartsWith("No 'LlmSettings' section was found", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("name-blank", "LlmSettings:Backends:0:Name: every backend needs a unique Name.")]
    [InlineData("type-missing", "LlmSettings:Backends:0 (backend 'a'): Type is required")]
    [InlineData("url-invalid", "LlmSettings:Backends:0 (backend 'a'): BaseUrl must be an absolute http:// or https:// URL.")]
    [InlineData("url-ftp", "LlmSettings:Backends:0 (backend 'a'): BaseUrl must be an absolute http:// or https:// URL.")]
    [InlineData("url-required", "LlmSettings:Backends:0 (backend 'a'): BaseUrl is required for type OpenAICompatible")]
    [InlineData("weight", "LlmSettings:Backends:0 (backend 'a'): Weight must be 0 or more (found -1).")]
    [InlineData("temperature", "LlmSettings:Backends:0 (backend 'a'): Temperature must be between 0 and 2 (found 2.5).")]
    [InlineData("max-output", "LlmSettings:Backends:0 (backend 'a'): MaxOutputTokens must be greater than 0 (found 0).")]
    [InlineData("max-input", "LlmSettings:Backends:0 (backend 'a'): MaxInputTokens must be greater than 0 (found -5).")]
    [InlineData("timeout", "LlmSettings:Backends:0 (backend 'a'): TimeoutSeconds must be greater than 0 (found 0).")]
    [InlineData("header", "LlmSettings:Backends:0 (backend 'a'): Headers: 'Bad Header' is not a valid HTTP header name (letters, digits and -_.!#$%&'*+^`|~ only).")]
    [InlineData("unknown-type", "LlmSettings:Backends:0 (backend 'a'): Backend type Gopher is not supported.")]
    [InlineData("unknown-custom-type", "LlmSettings:Backends:0 (backend 'a'): Backend type Mistral is not supported. If this is a plugin backend, ensure CustomBackendType is set and the plugin is loaded.")]
    [InlineData("env-missing", "LlmSettings:Backends:0 (backend 'a'): ApiKey references environment variable LLMB_TEST_SURELY_UNSET, which is not set.")]
    public void BackendProblem_IsReportedWithItsPath(string problem, string expected)
    {
        var problems = ProblemsOf(settings =>
        {
            var backend = OpenAi("a");
            switch (problem)
            {
                case "name-blank": backend.Name = " "; break;
                case "type-missing": backend.Type = null; break;
                case "url-invalid": backend.BaseUrl = "not a url"; break;
                case "url-ftp": backend.BaseUrl = "ftp://example.com"; break;
                case "url-required": backend.Type = "OpenAICompatible"; break;
                case "weight": backend.Weight = -1; break;
                case "temperature": backend.Temperature = 2.5; break;
                case "max-output": backend.MaxOutputTokens = 0; break;
                case "max-input": backend.MaxInputTokens = -5; break;
                case "timeout": backend.TimeoutSeconds = 0; break;
                case "header": backend.Headers["Bad Header"] = "x"; break;
                case "unknown-type": backend.Type = "Gopher"; break;
                case "unknown-custom-type": backend.CustomBackendType = "Mistral"; break;
                case "env-missing": backend.ApiKey = "${LLMB_TEST_SURELY_UNSET}"; break;
            }

            settings.Backends.Add(backend);
        });

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateNames_PointAtTheFirstUse()
    {
        var problems = ProblemsOf(s => s.Backends.AddRange(new[] { OpenAi("same"), OpenAi("other"), OpenAi("SAME") }));

        Assert.Contains("LlmSettings:Backends:2:Name: 'SAME' is also the name of LlmSettings:Backends:0; backend names must be unique.", problems);
    }

    [Fact]
    public void SettingsLevelProblems_AreReported()
    {
        var problems = ProblemsOf(s =>
        {
            s.Backends.Add(OpenAi("a"));
            s.TimeoutSeconds = 0;
            s.DefaultBackend = "nope";
            s.Monitoring.LatencyWindowSize = 0;
            s.Resilience.CircuitBreaker.ConsecutiveFailures = 0;
            s.Resilience.FirstTokenHedging.DelayMultiplier = double.NaN;
            s.Resilience.FirstTokenHedging.MaxDelayMs = 10;
            s.Telemetry.MaxContentLength = -1;
        });

        Assert.Contains("LlmSettings:TimeoutSeconds: must be greater than 0 (found 0).", problems);
        Assert.Contains("LlmSettings:DefaultBackend: 'nope' is not the name of a configured backend (a).", problems);
        Assert.Contains("LlmSettings:Monitoring:LatencyWindowSize must be greater than 0 (found 0).", problems);
        Assert.Contains("LlmSettings:Resilience:CircuitBreaker:ConsecutiveFailures must be greater than 0 (found 0).", problems);
        Assert.Contains(problems, p => p.StartsWith("LlmSettings:Resilience:FirstTokenHedging:DelayMultiplier: must be a number above 0 (found NaN)", StringComparison.Ordinal));
        Assert.Contains("LlmSettings:Resilience:FirstTokenHedging:MaxDelayMs: must be at least MinDelayMs (1000) (found 10).", problems);
        Assert.Contains("LlmSettings:Telemetry:MaxContentLength must be 0 (record each message part whole) or more (found -1).", problems);
    }

    [Fact]
    public void DisabledBackend_WithMissingVariableAndUnknownType_IsNotAProblem()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Backends.Add(OpenAi("on"));
            s.Backends.Add(new LlmBackendConfig { Name = "off", CustomBackendType = "NotInstalled", ApiKey = "${LLMB_TEST_SURELY_UNSET}", Enabled = false });
        });

        var backends = host.Llm.GetBackends();

        Assert.Equal(BackendStatus.Disabled, backends.Single(b => b.Name == "off").Status);
        Assert.Equal("${LLMB_TEST_SURELY_UNSET}", host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LlmSettings>>().Value.Backends[1].ApiKey);
    }

    [Fact]
    public void AllowUnresolvedTypes_LeavesTheBackendWaitingInsteadOfFailing()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.AllowUnresolvedTypes = true;
            s.Backends.Add(new LlmBackendConfig { Name = "later", Type = "OpenAI", CustomBackendType = "Mistral" });
        });

        var info = Assert.Single(host.Llm.GetBackends());

        Assert.Equal(BackendStatus.WaitingForPlugin, info.Status);
        Assert.Contains(host.Logs.Messages(), m => m.StartsWith("Backend type Mistral is not supported. If this is a plugin backend, ensure CustomBackendType is set and the plugin is loaded.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStartup_WithBadConfiguration_FailsListingEveryProblemAtOnce()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(new MemoryStream("""
            { "LlmSettings": {
                "SelectionStrategy": "Fastest",
                "Backends": [
                  { "Name": "a", "Type": "OpenAI", "ApiKey": "${LLMB_TEST_SURELY_UNSET}", "Priority": "high" },
                  { "Name": "a", "Type": "Gopher", "BaseUrl": "nope" }
                ] } }
            """u8.ToArray()));
        builder.Services.AddLlmBackend(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<LlmConfigurationException>(() => host.StartAsync());

        // Shape, values, references and the unknown type together: one report, not one phase at a time.
        Assert.Equal(6, error.Problems.Count);
        Assert.StartsWith("The LlmSettings configuration has 6 problems:", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Problems, p => p.Contains("Backend type Gopher is not supported.", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("SelectionStrategy", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Priority", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("LLMB_TEST_SURELY_UNSET", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("also the name of", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("BaseUrl", StringComparison.Ordinal));
    }
}
