using Xunit;
using Moq;
using Microsoft.Extensions.Logging;

public class MistralPluginTests
{
    [Fact]
    public void Plugin_HasCorrectMetadata()
    {
        var plugin = new MistralPlugin();

        Assert.Equal("com.mycompany.llmbackend.mistral", plugin.PluginId);
        Assert.Equal("Mistral AI Plugin", plugin.PluginName);
        Assert.Contains("Mistral", plugin.SupportedBackendTypes);
    }

    [Fact]
    public void Plugin_ValidatesSuccessfully()
    {
        var plugin = new MistralPlugin();
        Assert.True(plugin.Validate());
    }

    [Fact]
    public void Plugin_CreatesBackend()
    {
        var plugin = new MistralPlugin();
        var config = new LlmBackendConfig
        {
            Name = "Test",
            BaseUrl = "https://api.mistral.ai",
            ApiKey = "test-key"
        };

        var backend = plugin.CreateBackend(
            "Mistral",
            config,
            Mock.Of<ILoggerFactory>(),
            Mock.Of<IHttpClientFactory>());

        Assert.NotNull(backend);
        Assert.Equal("Test", backend.Name);
    }
}
