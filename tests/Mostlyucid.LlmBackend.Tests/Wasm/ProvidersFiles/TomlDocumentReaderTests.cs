using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

namespace Mostlyucid.LlmBackend.Tests.Wasm.ProvidersFiles;

/// <summary>The strict TOML reader: the subset providers files use, read exactly; everything else refused where it is.</summary>
public sealed class TomlDocumentReaderTests
{
    [Fact]
    public void AQueryMtProvidersFile_IsReadIntoTheSameTreeAsItsJson()
    {
        const string toml = """
            # Providers, as QueryMT writes them.
            [[providers]]
            name = "openai"                      # trailing comment
            path = "plugins/openai.wasm"
            [providers.config]
            api_key = "${OPENAI_API_KEY}"
            temperature = 0.25
            max_tokens = 1_024
            system = [
              "Be brief.",   # comments inside arrays
              'C:\no\escapes',
            ]

            [[providers]]
            name = 'mistral'
            path = "plugins/mistral.so"
            config = { model = "mistral-small", "quoted key" = true, nested.deep = -7 }
            priority = 2
            """;

        var document = TomlDocumentReader.Parse(toml);

        var expected = JsonNode.Parse("""
            {"providers":[
              {"name":"openai","path":"plugins/openai.wasm","config":{"api_key":"${OPENAI_API_KEY}","temperature":0.25,"max_tokens":1024,"system":["Be brief.","C:\\no\\escapes"]}},
              {"name":"mistral","path":"plugins/mistral.so","config":{"model":"mistral-small","quoted key":true,"nested":{"deep":-7}},"priority":2}
            ]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, document), document.ToJsonString());
    }

    [Theory]
    [InlineData("a = 0xFF", 255L)]
    [InlineData("a = 0o17", 15L)]
    [InlineData("a = 0b101", 5L)]
    [InlineData("a = +42", 42L)]
    [InlineData("a = -9_223_372_036_854_775_808", long.MinValue)]
    public void Integers_InEveryBase(string line, long expected) =>
        Assert.Equal(expected, TomlDocumentReader.Parse(line)["a"]!.GetValue<long>());

    [Theory]
    [InlineData("a = 1e3", 1000.0)]
    [InlineData("a = -0.5", -0.5)]
    [InlineData("a = 6.626e-34", 6.626e-34)]
    [InlineData("a = 3_141.5", 3141.5)]
    public void Floats(string line, double expected) =>
        Assert.Equal(expected, TomlDocumentReader.Parse(line)["a"]!.GetValue<double>());

    [Fact]
    public void Strings_WithEscapes_AndOverSeveralLines()
    {
        const string toml = "a = \"tab\\tquote\\\" \\u00e9 \\U0001F600\"\n"
            + "b = \"\"\"\nfirst\n  second \\\n    joined\"\"\"\n"
            + "c = '''\nraw \\n kept'''\n"
            + "d = \"\"\"ends with quotes\"\"\"\"\"\n";

        var document = TomlDocumentReader.Parse(toml);

        Assert.Equal("tab\tquote\" é 😀", document["a"]!.GetValue<string>());
        Assert.Equal("first\n  second joined", document["b"]!.GetValue<string>());
        Assert.Equal("raw \\n kept", document["c"]!.GetValue<string>());
        Assert.Equal("ends with quotes\"\"", document["d"]!.GetValue<string>());
    }

    [Fact]
    public void WindowsLineEnds_AndAByteOrderMark_AreRead()
    {
        var document = TomlDocumentReader.Parse("\uFEFF[t]\r\na = 1\r\nb = [\r\n 2,\r\n]\r\n");

        Assert.Equal(1, document["t"]!["a"]!.GetValue<long>());
        Assert.Equal(2, document["t"]!["b"]![0]!.GetValue<long>());
    }

    [Theory]
    [InlineData("name = \"open", 1, 8, "the string is not closed")]
    [InlineData("\n\nname \"x\"", 3, 6, "expected '=' after the key 'name'")]
    [InlineData("a = 1\na = 2", 2, 1, "'a' is defined twice")]
    [InlineData("[t]\nx = 1\n[t]", 3, 1, "table [t] is defined twice")]
    [InlineData("when = 1979-05-27", 1, 8, "dates and times are not supported")]
    [InlineData("x = inf", 1, 5, "'inf' has no JSON form")]
    [InlineData("x = \"a\\qb\"", 1, 7, "unknown escape '\\q'")]
    [InlineData("x = 1 2", 1, 7, "expected the end of the line, found '2'")]
    [InlineData("x = [1, 2", 1, 10, "the array is not closed")]
    [InlineData("[[providers]]\nname = \"a\"\n[providers]", 3, 1, "[providers] is already an array of tables")]
    [InlineData("t = { a = 1 }\n[t]", 2, 1, "'t' is already set to a value")]
    [InlineData("t = { a = 1 }\nt.b = 2", 2, 1, "'t' is already defined")]
    [InlineData("x = openai", 1, 5, "'openai' is not a TOML value; quote strings (\"openai\")")]
    [InlineData("x = sk-proj-0123456789abcdef", 1, 5, "'sk-proj-…' is not a TOML value")]
    [InlineData("x = 07", 1, 5, "'07' is not a TOML number")]
    [InlineData("x = 0x1_0000_0000_0000_0000", 1, 5, "not a valid hexadecimal integer of 64 bits")]
    [InlineData("x = 99999999999999999999", 1, 5, "does not fit in a 64-bit integer")]
    [InlineData("a.b = 1\n[a]", 2, 1, "table [a] was already defined by dotted keys")]
    [InlineData("x =", 1, 4, "expected a value after '='")]
    [InlineData("= 1", 1, 1, "expected a key")]
    [InlineData("x = \"\\uD800\"", 1, 6, "'\\u' needs 4 hexadecimal digits naming a Unicode scalar value")]
    public void WhatIsNotTomlHere_IsRefused_WithItsLineAndColumn(string toml, int line, int column, string message)
    {
        var error = Assert.Throws<ProvidersFileSyntaxException>(() => TomlDocumentReader.Parse(toml));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.DoesNotContain("0123456789abcdef", error.Message, StringComparison.Ordinal);
    }
}
