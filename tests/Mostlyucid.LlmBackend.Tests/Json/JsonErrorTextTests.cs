using System.Text.Json;
using Mostlyucid.LlmBackend.Json;

namespace Mostlyucid.LlmBackend.Tests.Json;

public sealed class JsonErrorTextTests
{
    private sealed class Shape
    {
        public int? MaxTokens { get; set; }

        public string? Name { get; set; }

        public List<string>? Stop { get; set; }

        public bool? Stream { get; set; }
    }

    [Theory]
    [InlineData("""{"MaxTokens":"x"}""", "MaxTokens must be a whole number (up to 2147483647)")]
    [InlineData("""{"MaxTokens":1e10}""", "MaxTokens must be a whole number (up to 2147483647)")]
    [InlineData("""{"Name":5}""", "Name must be a string of valid Unicode text")]
    [InlineData("""{"Stop":"x"}""", "Stop must be an array")]
    [InlineData("""{"Stream":"yes"}""", "Stream must be true or false")]
    public void WrongType_IsDescribedInJsonWords(string json, string expected)
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Shape>(json));

        var text = JsonErrorText.Describe(error);

        Assert.Equal(expected, text);
        Assert.True(JsonErrorText.IsWrongType(error));
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_IsDescribedWithItsPlace()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Shape>("""{"Name":"a" "Stop":[]}"""));

        var text = JsonErrorText.Describe(error);

        Assert.False(JsonErrorText.IsWrongType(error));
        Assert.Contains("(at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", text, StringComparison.Ordinal);
    }
}
