using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

namespace Mostlyucid.LlmBackend.Tests.Wasm.ProvidersFiles;

/// <summary>The TOML reader (Tomlyn): a document read into JSON exactly; everything that is not TOML refused where it is, without echoing values.</summary>
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

    [Fact]
    public void DatesAndTimes_AreReadAsTheirIsoText()
    {
        var document = TomlDocumentReader.Parse("a = 1979-05-27T07:32:00Z\nb = 1979-05-27 07:32:00-07:00\nc = 1979-05-27T07:32:00.5\nd = 1979-05-27\ne = 07:32:00");

        Assert.Equal("1979-05-27T07:32:00Z", document["a"]!.GetValue<string>());
        Assert.Equal("1979-05-27T07:32:00-07:00", document["b"]!.GetValue<string>());
        Assert.Equal("1979-05-27T07:32:00.5", document["c"]!.GetValue<string>());
        Assert.Equal("1979-05-27", document["d"]!.GetValue<string>());
        Assert.Equal("07:32:00", document["e"]!.GetValue<string>());
    }

    [Fact]
    public void AnArrayOfTables_InterruptedByOtherTables_KeepsEveryEntry()
    {
        const string toml = """
            [[providers]]
            name = "a"
            [providers.config]
            model = "m"
            [oci]
            registry = "r"
            [[providers]]
            name = "b"
            config.model = "n"
            [defaults.deep]
            x = 1
            [defaults]
            y = 2
            """;

        var document = TomlDocumentReader.Parse(toml);

        var expected = JsonNode.Parse("""
            {"providers":[{"name":"a","config":{"model":"m"}},{"name":"b","config":{"model":"n"}}],
             "oci":{"registry":"r"},"defaults":{"deep":{"x":1},"y":2}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, document), document.ToJsonString());
    }

    [Theory]
    [InlineData("name = \"open", 1, 12, "Invalid End-Of-File found on string literal")]
    [InlineData("\n\nname \"x\"", 3, 6, "Expected `=` after key but was `\"x\"`")]
    [InlineData("a = 1\na = 2", 2, 1, "The key `a` is already defined at (1,1) and cannot be redefined")]
    [InlineData("[t]\nx = 1\n[t]", 3, 1, "The key `t` is already defined at (1,1)")]
    [InlineData("x = inf", 1, 5, "'inf' has no JSON form")]
    [InlineData("x = -inf", 1, 5, "'-inf' has no JSON form")]
    [InlineData("x = nan", 1, 5, "'nan' has no JSON form")]
    [InlineData("x = \"a\\qb\"", 1, 8, "Unexpected escape character [q] in string")]
    [InlineData("x = 1 2", 1, 7, "Expected end-of-line after value but was `2`")]
    [InlineData("x = [1, 2", 1, 10, "Unexpected end-of-file while parsing array")]
    [InlineData("[[providers]]\nname = \"a\"\n[providers]", 3, 1, "The key `providers` is already defined at (1,1)")]
    [InlineData("t = { a = 1 }\n[t]", 2, 1, "The key `t` is already defined at (1,1)")]
    [InlineData("t = { a = 1 }\nt.b = 2", 2, 1, "The key `t` is already defined at (1,1)")]
    [InlineData("[[p]]\n[p.c]\n[p.c]", 3, 1, "is already defined at (2,1)")]
    [InlineData("[[p]]\nc = 1\n[[p]]\nc = 2\nc = 3", 5, 1, "is already defined at (4,1)")]
    [InlineData("x = openai", 1, 5, "Unexpected token `openai` while parsing a value")]
    [InlineData("x = 07", 1, 5, "Unexpected leading zero (`0`) for integer `07`")]
    [InlineData("x = 0x1_0000_0000_0000_0000", 1, 5, "Invalid size of hexadecimal integer")]
    [InlineData("x = 99999999999999999999", 1, 5, "Unable to parse integer `99999999…`")]
    [InlineData("a.b = 1\n[a]", 2, 1, "The key `a` is already defined at (1,1)")]
    [InlineData("x =", 1, 4, "Missing value after `=`")]
    [InlineData("= 1", 1, 1, "Unexpected token `=` while parsing TOML document")]
    [InlineData("x = \"\\uD800\"", 1, 7, "Invalid Unicode scalar value [D800]")]
    public void WhatIsNotTomlHere_IsRefused_WithItsLineAndColumn(string toml, int line, int column, string message)
    {
        var error = Assert.Throws<ProvidersFileSyntaxException>(() => TomlDocumentReader.Parse(toml));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("api_key = sk-proj-0123456789abcdef", 1, 11, "Unexpected token `sk` while parsing a value")]
    [InlineData("api_key = \"sk-proj-0123456789abcdef", 1, 35, "Invalid End-Of-File found on string literal")]
    [InlineData("api_key = \"sk-proj-0123456789abcdef\" extra", 1, 38, "Expected end-of-line after value but was `extra`")]
    [InlineData("api_key = \"sk-proj-0123456789abcdef\"\napi_key = \"sk-proj-0123456789abcdef\"", 2, 1, "The key `api_key` is already defined at (1,1) and cannot be redefined")]
    [InlineData("api_key = \"sk-proj-0123456789abcdef\"\n[api_key]", 2, 1, "The key `api_key` is already defined at (1,1) and cannot be redefined")]
    [InlineData("api_key = \"sk-proj-0123456789abcdef\\q\"", 1, 37, "Unexpected escape character [q]")]
    [InlineData("api_key = \"sk-proj-0123456789abcdef\" \"sk-proj-0123456789abcdef\"", 1, 38, "Expected end-of-line after value but was `\"sk-proj…`")]
    [InlineData("\"sk-proj-0123456789abcdef\" = 1\n\"sk-proj-0123456789abcdef\" = 2", 2, 1, "The key `sk-proj-…` is already defined")]
    [InlineData("api_key = 0123456789abcdef", 1, 11, "Unexpected leading zero (`0`) for integer")]
    public void AValueInTheWrongPlace_IsNotEchoed_BeyondItsFirstCharacters(string toml, int line, int column, string message)
    {
        var error = Assert.Throws<ProvidersFileSyntaxException>(() => TomlDocumentReader.Parse(toml));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.DoesNotContain("0123456789abcdef", error.Message, StringComparison.Ordinal);
    }
}
