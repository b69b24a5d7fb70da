using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Tests.Telemetry;

public class GenAiProviderNamesTests
{
    [Theory]
    [InlineData("OpenAI", null, "openai")]
    [InlineData("AzureOpenAI", null, "azure.ai.openai")]
    [InlineData("Anthropic", null, "anthropic")]
    [InlineData("Gemini", null, "gcp.gemini")]
    [InlineData("Cohere", null, "cohere")]
    [InlineData("Ollama", null, "ollama")]
    [InlineData("OpenAICompatible", "Mistral", "mistral_ai")]
    [InlineData("OpenAICompatible", "Groq", "groq")]
    [InlineData("OpenAICompatible", "DeepSeek", "deepseek")]
    [InlineData("OpenAICompatible", "XAI", "x_ai")]
    [InlineData("OpenAICompatible", "VLLM", "vllm")]
    [InlineData("OpenAICompatible", null, "openaicompatible")]
    public void Of_UsesTheConventionsWellKnownName_ElseThePresetOrTypeInLowerCase(string type, string? preset, string expected) =>
        Assert.Equal(expected, GenAiProviderNames.Of(new LlmBackendConfig { Name = "b", Type = type, Preset = preset }));

    [Fact]
    public void Of_APluginsCustomType_IsItsNameInLowerCase() =>
        Assert.Equal("mistral_ai", GenAiProviderNames.Of(new LlmBackendConfig { Name = "m", CustomBackendType = "Mistral" }));
}
