using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Security;

public sealed class SecretRedactorTests
{
    private static SecretRedactor FromSettings()
    {
        var redactor = new SecretRedactor();
        var settings = new LlmSettings();
        settings.Backends.Add(new LlmBackendConfig
        {
            Name = "a",
            ApiKey = "configured-api-key-1",
            Headers = { ["Authorization"] = "Bearer header-token-22222", ["anthropic-version"] = "2023-06-01" },
            ProviderOptions = { ["AccessToken"] = "option-token-33333", ["Region"] = "westeurope-1" },
            PluginConfig = JsonNode.Parse("""{"api_key":"plugin-key-44444","nested":{"secret":"nested-secret-5"},"model":"gpt-4o-mini-2024"}""")!.AsObject(),
        });
        redactor.AddFrom(settings);
        return redactor;
    }

    [Theory]
    [InlineData("bad key configured-api-key-1 sent")]
    [InlineData("header-token-22222")]
    [InlineData("Authorization: Bearer header-token-22222")]
    [InlineData("token option-token-33333!")]
    [InlineData("{\"echo\":\"plugin-key-44444\"}")]
    [InlineData("nested-secret-5")]
    public void ConfiguredSecrets_AreRemoved(string text)
    {
        var redacted = FromSettings().Redact(text);

        Assert.Contains(SecretRedactor.Placeholder, redacted, StringComparison.Ordinal);
        foreach (var secret in new[] { "configured-api-key-1", "header-token-22222", "option-token-33333", "plugin-key-44444", "nested-secret-5" })
        {
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Incorrect API key provided: sk-proj-AbCdEf0123456789GhIjKlMnOpQr.", "sk-proj-AbCdEf0123456789GhIjKlMnOpQr")]
    [InlineData("key=AIzaSyA1234567890abcdefghijklmnopqrstuv was rejected", "AIzaSyA1234567890abcdefghijklmnopqrstuv")]
    [InlineData("gsk_0123456789abcdefghijABCDEFGH is invalid", "gsk_0123456789abcdefghijABCDEFGH")]
    [InlineData("Authorization: Bearer abc.def-ghi_jkl012345", "abc.def-ghi_jkl012345")]
    [InlineData("{\"api_key\": \"some-unknown-secret-value\"}", "some-unknown-secret-value")]
    [InlineData("password=hunter2hunter2", "hunter2hunter2")]
    public void SecretShapedValues_AreRemoved_EvenWhenNotConfigured(string text, string secret)
    {
        var redacted = new SecretRedactor().Redact(text);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Placeholder, redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Backend 'a' answered HTTP 503: upstream overloaded, try again in 2 s")]
    [InlineData("The model `gpt-4o-mini-2024` does not exist (anthropic-version 2023-06-01, region westeurope-1)")]
    [InlineData("")]
    public void OrdinaryText_IsLeftAlone_AndNotCopied(string text)
    {
        var redactor = FromSettings();

        Assert.Same(text, redactor.Redact(text));
    }

    [Theory]
    [InlineData("ApiKey", true)]
    [InlineData("x-api-key", true)]
    [InlineData("X-Goog-Api-Key", true)]
    [InlineData("Authorization", true)]
    [InlineData("AccessToken", true)]
    [InlineData("client_secret", true)]
    [InlineData("OPENAI_API_KEY", true)]
    [InlineData("tokenizer", false)]
    [InlineData("author", false)]
    [InlineData("keyboard_layout", false)]
    [InlineData("anthropic-version", false)]
    public void SecretNames_AreWholeWords(string name, bool secret) => Assert.Equal(secret, SecretRedactor.IsSecretName(name));

    [Theory]
    [InlineData("use SK-Learn-Compatible-Estimators here")]
    [InlineData("akia0123456789abcdef is not an AWS key id")]
    [InlineData("the tokenizer meta-llama/Llama-3-8B-Instruct")]
    public void KeyShapes_AreCaseSensitive_AndWholeWords(string text) =>
        Assert.Same(text, new SecretRedactor().Redact(text));

    [Fact]
    public void HugeRepetitiveText_IsRedactedInLinearTime_WithoutThrowing()
    {
        var text = string.Concat(Enumerable.Repeat("eyJ-", 250_000));

        var redacted = new SecretRedactor().Redact(text);

        Assert.True(redacted == text || redacted == SecretRedactor.Placeholder);
    }

    [Fact]
    public void ErrorsAndHealth_AreRedacted()
    {
        var redactor = FromSettings();
        var error = new LlmError { Kind = LlmErrorKind.ServerError, Message = "echo configured-api-key-1" };
        var health = new BackendHealth { BackendName = "a", LastError = "echo configured-api-key-1" };

        Assert.Equal("echo [redacted]", redactor.Redact(error).Message);
        Assert.Equal("echo [redacted]", redactor.Redact(health).LastError);
    }

    [Fact]
    public void Logger_RedactsMessages_Values_AndExceptions_ButPassesCleanEntriesThrough()
    {
        var redactor = FromSettings();
        var collected = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(collected).SetMinimumLevel(LogLevel.Trace));
        var logger = new RedactingLoggerFactory(factory, redactor).CreateLogger("test");

#pragma warning disable CA1873, CA2254 // The test logs the way a plugin does, with templates and arguments.
        logger.LogError("Provider said {Body}", "invalid key configured-api-key-1");
        var failure = new InvalidOperationException("boom plugin-key-44444");
        logger.LogError(failure, "Call failed");
        logger.LogInformation("Nothing to hide in {Value}", "plain");
#pragma warning restore CA1873, CA2254

        var entries = collected.Entries;
        Assert.Equal("Provider said invalid key [redacted]", entries[0].Message);
        Assert.DoesNotContain("plugin-key-44444", entries[1].Exception!.ToString(), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", entries[1].Exception!.ToString(), StringComparison.Ordinal);
        Assert.Equal("Nothing to hide in plain", entries[2].Message);
    }
}
