using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Catalog;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Spend;

public sealed class ModelCatalogTests
{
    private static readonly ModelCatalog Shipped = new(Array.Empty<ModelCatalogEntryConfig>());

    [Fact]
    public void ShippedCatalog_HasItsDate_AndPricesForTheDefaultModels()
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", Shipped.PricesAsOf);
        Assert.True(Shipped.Entries.Count >= 40);
        Assert.All(Shipped.Entries, e => Assert.True(e.InputPerMillion is >= 0, $"{e.Model} has no input price"));
    }

    /// <summary>Every model the gateway's embedded defaults use (with its provider) is priced.</summary>
    [Fact]
    public void EveryDefaultBackendModel_IsInTheCatalog()
    {
        var defaults = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "src", "Mostlyucid.LlmBackend.Gateway", "Defaults", "llmsettings.defaults.json")))!;
        var missing = new List<string>();
        foreach (var backend in defaults["LlmSettings"]!["Backends"]!.AsArray())
        {
            var provider = backend!["Preset"]?.GetValue<string>() ?? backend["Type"]!.GetValue<string>();
            if (provider is "Ollama" or "Mock" or "OpenRouter")
            {
                continue;
            }

            foreach (var setting in new[] { "ModelName", "EmbeddingModelName" })
            {
                if (backend[setting]?.GetValue<string>() is { } value)
                {
                    var model = value.StartsWith("${", StringComparison.Ordinal) ? value[(value.IndexOf(":-", StringComparison.Ordinal) + 2)..^1] : value;
                    if (Shipped.Find(provider, model) is null)
                    {
                        missing.Add($"{provider}/{model}");
                    }
                }
            }
        }

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("OpenAI", "gpt-4o-mini", "gpt-4o-mini")]
    [InlineData("OpenAI", "gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("OpenAI", "GPT-4O-MINI", "gpt-4o-mini")]
    [InlineData("Anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku-20241022")]
    [InlineData(null, "deepseek-chat", "deepseek-chat")]
    [InlineData("AzureOpenAI-unknown", "gpt-4o", "gpt-4o")]
    public void Find_ByProviderIdAliasOrSnapshot(string? provider, string model, string expected) =>
        Assert.Equal(expected, Shipped.Find(provider, model)?.Model);

    [Fact]
    public void Find_UnknownModel_IsNull() => Assert.Null(Shipped.Find("OpenAI", "no-such-model"));

    [Fact]
    public void Configuration_ReplacesAShippedEntry_AndAddsNewOnes()
    {
        var catalog = new ModelCatalog(new[]
        {
            new ModelCatalogEntryConfig { Provider = "OpenAI", Model = "gpt-4o-mini", InputPerMillion = 1m, OutputPerMillion = 2m },
            new ModelCatalogEntryConfig { Model = "our-finetune", Aliases = { "our-finetune-v2" }, InputPerMillion = 3m, OutputPerMillion = 4m, ContextWindow = 32000 },
        });

        Assert.Equal(1m, catalog.Find("OpenAI", "gpt-4o-mini")!.InputPerMillion);
        Assert.Equal("configuration", catalog.Find("OpenAI", "gpt-4o-mini-2024-07-18")!.Source);
        Assert.Equal(32000, catalog.Find("AnyProvider", "our-finetune-v2")!.ContextWindow);
        Assert.Equal(Shipped.Entries.Count + 1, catalog.Entries.Count);
    }
}
