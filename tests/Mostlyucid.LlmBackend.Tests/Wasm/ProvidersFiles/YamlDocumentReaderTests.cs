using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

namespace Mostlyucid.LlmBackend.Tests.Wasm.ProvidersFiles;

/// <summary>YAML providers files: plain scalars typed by YAML 1.2's core schema, quoted ones kept as text.</summary>
public sealed class YamlDocumentReaderTests
{
    [Fact]
    public void Scalars_AreTypedLikeYaml12_AndQuotedOnesStayText()
    {
        const string yaml = """
            providers:
              - name: openai
                path: plugins/openai.wasm
                config:
                  temperature: 0.5
                  max_tokens: 256
                  stream: true
                  model: "1234"
                  unset: ~
                  hex: 0x1F
                  version: !!str 2
                  ratio: !!float 1
                  system:
                    - |
                      Be brief.
            """;

        var document = YamlDocumentReader.Parse(yaml);

        var expected = JsonNode.Parse("""
            {"providers":[{"name":"openai","path":"plugins/openai.wasm","config":{
              "temperature":0.5,"max_tokens":256,"stream":true,"model":"1234","unset":null,"hex":31,"version":"2","ratio":1.0,
              "system":["Be brief."]}}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, document), document!.ToJsonString());
    }

    [Theory]
    [InlineData("a: 1\n  b: 2", 2, 4)]
    [InlineData("a: 1\na: 2", 2, 1)]
    [InlineData("a: .inf", 1, 4)]
    [InlineData("a: !!binary aGk=", 1, 4)]
    [InlineData("a: 1\n---\nb: 2", 3, 1)]
    [InlineData("a: [1, 2", 2, 1)]
    public void WhatIsNotAcceptedYaml_IsRefused_WithItsLineAndColumn(string yaml, int line, int column)
    {
        var error = Assert.Throws<ProvidersFileSyntaxException>(() => YamlDocumentReader.Parse(yaml));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
