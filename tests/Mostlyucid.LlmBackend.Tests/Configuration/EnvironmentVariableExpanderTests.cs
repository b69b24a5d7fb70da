using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Configuration;

public class EnvironmentVariableExpanderTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["MISTRAL_API_KEY"] = "sk-secret-value",
        ["HOST"] = "api.example.com",
    };

    private readonly EnvironmentVariableExpander _expander = new(name => Environment.GetValueOrDefault(name));

    [Fact]
    public void ExpandInPlace_ReplacesReferencesInEveryStringSettingAndHeader()
    {
        var backend = new LlmBackendConfig
        {
            Name = "m",
            ApiKey = "${MISTRAL_API_KEY}",
            BaseUrl = "https://${HOST}/v1",
            ModelName = "${MODEL:-mistral-small}",
            Headers = { ["X-Key"] = "Key ${MISTRAL_API_KEY}" },
        };
        var problems = new List<string>();

        _expander.ExpandInPlace(backend, "LlmSettings:Backends:0", problems);

        Assert.Empty(problems);
        Assert.Equal("sk-secret-value", backend.ApiKey);
        Assert.Equal("https://api.example.com/v1", backend.BaseUrl);
        Assert.Equal("mistral-small", backend.ModelName);
        Assert.Equal("Key sk-secret-value", backend.Headers["X-Key"]);
    }

    [Fact]
    public void Expand_DoubleDollar_IsALiteral()
    {
        var problems = new List<string>();

        var value = _expander.Expand("a$${HOST}b$c", new LlmBackendConfig { Name = "x" }, "p", "ApiKey", problems);

        Assert.Equal("a${HOST}b$c", value);
        Assert.Empty(problems);
    }

    [Fact]
    public void ExpandInPlace_MissingVariable_NamesBackendSettingAndVariable()
    {
        var backend = new LlmBackendConfig { Name = "Mistral-Large", ApiKey = "${MISSING_KEY}" };
        var problems = new List<string>();

        _expander.ExpandInPlace(backend, "LlmSettings:Backends:3", problems);

        Assert.Equal(
            "LlmSettings:Backends:3 (backend 'Mistral-Large'): ApiKey references environment variable MISSING_KEY, which is not set. Set MISSING_KEY, or set Enabled to false for this backend.",
            Assert.Single(problems));
    }

    [Fact]
    public void Expand_Unterminated_IsAProblemAndNeverEchoesValues()
    {
        var problems = new List<string>();

        _expander.Expand("${MISTRAL_API_KEY", new LlmBackendConfig { Name = "m" }, "p", "ApiKey", problems);

        var problem = Assert.Single(problems);
        Assert.Contains("without a closing", problem);
        Assert.DoesNotContain("sk-secret-value", problem);
    }
}
