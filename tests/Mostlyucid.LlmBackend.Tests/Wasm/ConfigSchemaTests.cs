using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Wasm.Abi;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>
/// A plugin's config_schema: values typed from text, undeclared top-level settings found (the host leaves them out), and
/// the rest checked by JsonSchema.Net with one message per problem naming the field and never its value.
/// </summary>
public sealed class ConfigSchemaTests
{
    private const string Path = "Backend 'x': PluginConfig";

    // The C sample plugin's schema (draft-07, as schemars writes it), with a few more keywords.
    private const string Schema = """
        {"$schema":"http://json-schema.org/draft-07/schema#","title":"Config","type":"object",
         "definitions":{"Mode":{"type":"string","enum":["fast","slow"]}},
         "properties":{
           "api_key":{"type":"string","minLength":1},
           "model":{"type":"string"},
           "base_url":{"type":"string","format":"uri"},
           "max_tokens":{"type":"integer","format":"uint32","minimum":1,"maximum":4294967295},
           "temperature":{"type":"number","format":"double","minimum":0,"maximum":2},
           "top_p":{"type":"number","exclusiveMaximum":1},
           "system":{"type":"array","items":{"type":"string"}},
           "mode":{"$ref":"#/definitions/Mode"},
           "stop":{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}]},
           "seed":{"type":["integer","null"]},
           "tools":{"type":"object","properties":{"strict":{"type":"boolean"}},"required":["strict"],"additionalProperties":false}
         },
         "patternProperties":{"^x-":{"type":"string"}},
         "required":["api_key"],"additionalProperties":false}
        """;

    [Fact]
    public void AValidConfiguration_HasNoProblems_EvenWhereOnlyOneAlternativeFits()
    {
        var config = Config("""
            {"api_key":"k","base_url":"https://api.example.com/v1","max_tokens":100,"temperature":0.3,"top_p":0.9,
             "system":["be brief"],"mode":"fast","stop":["\n"],"seed":null,"tools":{"strict":true},"x-trace":"on"}
            """);

        Assert.Empty(ConfigSchema.Parse(Schema).Validate(config, Path));
    }

    [Fact]
    public void EveryProblem_IsNamedByItsField_WithWhatTheSchemaAsks_AndNoValue()
    {
        var config = Config("""
            {"api_key":"","base_url":"not a url sk-proj-0123456789abcdef","max_tokens":"many","temperature":5,"top_p":1,
             "system":["a",3],"mode":"medium","stop":7,"tools":{"strictly":"sk-proj-0123456789abcdef"},"x-trace":1}
            """);

        var problems = ConfigSchema.Parse(Schema).Validate(config, Path);

        Assert.Equal(
            new[]
            {
                $"{Path}:api_key must not be empty.",
                $"{Path}:base_url must be an absolute URL.",
                $"{Path}:max_tokens must be integer (found a string).",
                $"{Path}:temperature must be at most 2.",
                $"{Path}:top_p must be less than 1.",
                $"{Path}:mode must be one of \"fast\", \"slow\".",
                $"{Path}:stop must match one of the forms the plugin's configuration schema allows.",
                $"{Path}:tools:strict is required by the plugin's configuration schema.",
                $"{Path}:tools:strictly is not a setting this plugin knows (it knows: strict).",
                $"{Path}:x-trace must be string (found a number).",
                $"{Path}:system:1 must be string (found a number).",
            }.Order(StringComparer.Ordinal),
            problems.Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("0123456789abcdef", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("many", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain("found 5", p, StringComparison.Ordinal));
    }

    [Fact]
    public void ARequiredSetting_ThatIsMissing_IsNamed()
    {
        var problems = ConfigSchema.Parse(Schema).Validate(new JsonObject { ["model"] = "m" }, Path);

        Assert.Equal($"{Path}:api_key is required by the plugin's configuration schema.", Assert.Single(problems));
    }

    [Fact]
    public void ASecret_OfTheWrongType_IsNotShown()
    {
        var problems = ConfigSchema.Parse(Schema).Validate(Config("""{"api_key":123456789012345}"""), Path);

        Assert.Equal($"{Path}:api_key must be string (found a number).", Assert.Single(problems));
    }

    [Fact]
    public void UndeclaredTopLevelSettings_AreFound_AndLeftOutOfACopy_NotReportedByValidate()
    {
        var schema = ConfigSchema.Parse(Schema);
        var config = Config("""{"api_key":"k","colour":"red","x-trace":"on","temprature":1}""");

        Assert.Equal(new[] { "colour", "temprature" }, schema.UndeclaredKeys(config));
        Assert.Empty(schema.Validate(config, Path));

        var declared = schema.WithoutUndeclared(config);

        Assert.True(JsonNode.DeepEquals(Config("""{"api_key":"k","x-trace":"on"}"""), declared), declared.ToJsonString());
        Assert.Equal(4, config.Count);
        Assert.Equal(new[] { "api_key", "model", "base_url", "max_tokens", "temperature", "top_p", "system", "mode", "stop", "seed", "tools" }, schema.DeclaredKeys);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string"}}}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true}""")]
    [InlineData("""{"type":"object","additionalProperties":false}""")]
    [InlineData("""{"type":"object"}""")]
    public void ASchemaThatDeclaresNoPropertiesOrAllowsAnyOther_HasNoUndeclaredSettings(string schema) =>
        Assert.Empty(ConfigSchema.Parse(schema).UndeclaredKeys(Config("""{"a":"x","b":1}""")));

    [Fact]
    public void NoSchema_AcceptsAnything()
    {
        var config = Config("""{"anything":1}""");

        Assert.Null(ConfigSchema.None.Text);
        Assert.Same(ConfigSchema.None, ConfigSchema.Parse("  "));
        Assert.Empty(ConfigSchema.None.Validate(config, Path));
        Assert.Empty(ConfigSchema.None.UndeclaredKeys(config));
        Assert.False(ConfigSchema.None.Declares("anything"));
    }

    [Theory]
    [InlineData("not json", "config_schema did not return JSON")]
    [InlineData("[1, 2]", "config_schema did not return a JSON object")]
    [InlineData("""{"type":5}""", "config_schema is not a JSON Schema this host can check")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-04/schema#"}""", "config_schema is not a JSON Schema this host can check")]
    public void ASchemaThatCannotBeRead_IsRefused(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => ConfigSchema.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void DeclaresAndRequires_ReadTheTopLevel()
    {
        var schema = ConfigSchema.Parse(Schema);

        Assert.True(schema.Declares("base_url"));
        Assert.False(schema.Declares("strict"));
        Assert.True(schema.Requires("api_key"));
        Assert.False(schema.Requires("model"));
    }

    [Fact]
    public void Coerce_GivesTextValuesTheTypesTheSchemaAsksFor()
    {
        var config = Config("""
            {"api_key":"123","max_tokens":"256","temperature":"0.5","system":"be brief","stop":"x","tools":{"strict":"true"},
             "seed":"7","colour":"12"}
            """);

        ConfigSchema.Parse(Schema).Coerce(config);

        Assert.True(
            JsonNode.DeepEquals(
                Config("""
                    {"api_key":"123","max_tokens":256,"temperature":0.5,"system":["be brief"],"stop":"x","tools":{"strict":true},
                     "seed":7,"colour":"12"}
                    """),
                config),
            config.ToJsonString());
    }

    private static JsonObject Config(string json) => JsonNode.Parse(json)!.AsObject();
}
