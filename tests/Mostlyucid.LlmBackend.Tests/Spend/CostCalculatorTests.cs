using Mostlyucid.LlmBackend.Catalog;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Tests.Spend;

public sealed class CostCalculatorTests
{
    private static readonly CostCalculator Calculator = new(new ModelCatalog(Array.Empty<ModelCatalogEntryConfig>()));

    [Fact]
    public void CachedTokens_AreChargedAtTheCachedPrice()
    {
        var backend = new LlmBackendConfig { Name = "o", Type = "OpenAI", ModelName = "gpt-4o-mini" };

        var cost = Calculator.Cost(backend, "gpt-4o-mini-2024-07-18", promptTokens: 1000, cachedPromptTokens: 200, completionTokens: 500);

        // 800 × $0.15 + 200 × $0.075 + 500 × $0.60, per million.
        Assert.Equal(((800 * 0.15m) + (200 * 0.075m) + (500 * 0.60m)) / 1_000_000m, cost);
    }

    [Fact]
    public void BackendPrices_WinOverTheCatalog_FieldByField()
    {
        var backend = new LlmBackendConfig { Name = "o", Type = "OpenAI", ModelName = "gpt-4o-mini", CostPerMillionInputTokens = 1m };

        var cost = Calculator.Cost(backend, null, 1_000_000, 0, 1_000_000);

        Assert.Equal(1m + 0.60m, cost);
    }

    [Fact]
    public void Preset_PricesByItsProvider()
    {
        var backend = new LlmBackendConfig { Name = "m", Type = "OpenAICompatible", Preset = "DeepSeek", ModelName = "deepseek-chat" };

        Assert.Equal(0.28m + 0.42m, Calculator.Cost(backend, null, 1_000_000, 0, 1_000_000));
    }

    [Theory]
    [InlineData("Ollama", null)]
    [InlineData("Mock", null)]
    [InlineData("OpenAICompatible", "VLLM")]
    public void LocalBackends_CostNothing(string type, string? preset) =>
        Assert.Equal(0m, Calculator.Cost(new LlmBackendConfig { Name = "l", Type = type, Preset = preset, ModelName = "whatever" }, null, 5000, 0, 5000));

    [Fact]
    public void UnknownModel_HasAnUnknownCost_NotAFreeOne() =>
        Assert.Null(Calculator.Cost(new LlmBackendConfig { Name = "o", Type = "OpenAI", ModelName = "gpt-99" }, "gpt-99", 10, 0, 10));
}
