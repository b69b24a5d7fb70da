using Microsoft.Extensions.Configuration;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Tests.Configuration;

public class ConfigurationObjectReaderTests
{
    private static (LlmSettings Settings, List<string> Problems) Read(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var settings = new LlmSettings();
        var problems = new List<string>();
        ConfigurationObjectReader.Read(configuration.GetSection("LlmSettings"), settings, problems);
        return (settings, problems);
    }

    [Fact]
    public void Read_GuideJson_BindsEveryValue()
    {
        var (settings, problems) = Read("""
            {
              "LlmSettings": {
                "SelectionStrategy": "roundrobin",
                "Plugins": { "Enabled": true, "PluginDirectory": "plugins", "LoadOnStartup": true,
                             "SpecificPlugins": [ "plugins/MyCompany.LlmBackend.MistralPlugin.dll", "C:/CustomPlugins/AnotherPlugin.dll" ] },
                "Backends": [
                  { "Name": "Mistral-Large", "Type": "OpenAI", "CustomBackendType": "Mistral", "BaseUrl": "https://api.mistral.ai",
                    "ApiKey": "${MISTRAL_API_KEY}", "ModelName": "mistral-large-latest", "Priority": 1, "Enabled": true,
                    "Temperature": 0.25, "MaxOutputTokens": 512, "Headers": { "X-Team": "a" } }
                ]
              }
            }
            """);

        Assert.Empty(problems);
        Assert.Equal(BackendSelectionStrategy.RoundRobin, settings.SelectionStrategy);
        Assert.True(settings.Plugins.Enabled);
        Assert.Equal("plugins", settings.Plugins.PluginDirectory);
        Assert.Equal(2, settings.Plugins.SpecificPlugins.Count);
        var backend = Assert.Single(settings.Backends);
        Assert.Equal("Mistral-Large", backend.Name);
        Assert.Equal("OpenAI", backend.Type);
        Assert.Equal("Mistral", backend.CustomBackendType);
        Assert.Equal("Mistral", backend.EffectiveBackendType);
        Assert.Equal("${MISTRAL_API_KEY}", backend.ApiKey);
        Assert.Equal(1, backend.Priority);
        Assert.Equal(0.25, backend.Temperature);
        Assert.Equal(512, backend.MaxOutputTokens);
        Assert.Equal("a", backend.Headers["x-team"]);
    }

    [Fact]
    public void Read_UnknownKey_IsReportedWithItsPathAndASuggestion()
    {
        var (_, problems) = Read("""{ "LlmSettings": { "Backends": [ { "Name": "a", "Type": "OpenAI", "Prioriy": 2 } ] } }""");

        var problem = Assert.Single(problems);
        Assert.Contains("LlmSettings:Backends:0:Prioriy", problem);
        Assert.Contains("Did you mean 'Priority'?", problem);
    }

    [Theory]
    [InlineData("\"Priority\": \"first\"", "LlmSettings:Backends:0:Priority: 'first' is not a whole number")]
    [InlineData("\"Enabled\": \"yes\"", "LlmSettings:Backends:0:Enabled: 'yes' is not true or false")]
    [InlineData("\"Temperature\": \"0,7\"", "LlmSettings:Backends:0:Temperature: '0,7' is not a number")]
    [InlineData("\"Priority\": \"\"", "LlmSettings:Backends:0:Priority: expected a whole number, found an empty value")]
    [InlineData("\"Headers\": \"x\"", "LlmSettings:Backends:0:Headers: expected a set of name/value pairs")]
    [InlineData("\"Name\": { \"a\": 1 }", "LlmSettings:Backends:0:Name: expected a single value, not a section")]
    public void Read_ValueOfTheWrongKind_IsReported(string member, string expected)
    {
        var (_, problems) = Read($$"""{ "LlmSettings": { "Backends": [ { "Name": "a", "Type": "OpenAI", {{member}} } ] } }""");

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_UnknownStrategy_ListsTheValidOnes()
    {
        var (settings, problems) = Read("""{ "LlmSettings": { "SelectionStrategy": "Fastest" } }""");

        Assert.Equal("LlmSettings:SelectionStrategy: 'Fastest' is not one of Failover, RoundRobin, LowestLatency, Random, Specific, Weighted, Hedged.", Assert.Single(problems));
        Assert.Equal(BackendSelectionStrategy.Failover, settings.SelectionStrategy);
    }

    [Fact]
    public void Read_NumericEnumValue_IsRejected()
    {
        var (_, problems) = Read("""{ "LlmSettings": { "SelectionStrategy": "7" } }""");

        Assert.Single(problems);
    }

    [Fact]
    public void Read_ListGivenAsSingleValue_IsReported()
    {
        var (_, problems) = Read("""{ "LlmSettings": { "Plugins": { "SpecificPlugins": "plugins/a.dll" } } }""");

        Assert.Equal("LlmSettings:Plugins:SpecificPlugins: expected a list, not a single value.", Assert.Single(problems));
    }

    [Fact]
    public void Read_SeveralProblems_AreAllReportedAndGoodValuesStillBind()
    {
        var (settings, problems) = Read("""
            { "LlmSettings": { "TimeoutSecs": 5, "SelectionStrategy": "Nope",
              "Backends": [ { "Name": "a", "Type": "OpenAI", "Priority": "x", "Weight": 3 }, { "Name": "b", "Typ": "OpenAI" } ] } }
            """);

        Assert.Equal(4, problems.Count);
        Assert.Equal(3, settings.Backends[0].Weight);
        Assert.Equal("b", settings.Backends[1].Name);
    }
}
