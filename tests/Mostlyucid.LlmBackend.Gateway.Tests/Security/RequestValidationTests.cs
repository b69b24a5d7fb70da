using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// A client's bad input is a 400 naming the parameter, before any backend is touched, with a message in JSON's words —
/// never a .NET type name or exception text.
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed class RequestValidationTests(GatewayFixture gateway)
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";

    public static TheoryData<string, string, string, string> OpenAiCases => new()
    {
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","temperature":1e400,"messages":{{Hi}}}""", "temperature", "finite" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","top_p":-1e999,"messages":{{Hi}}}""", "top_p", "finite" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","temperature":5,"messages":{{Hi}}}""", "temperature", "from 0 to 2" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","top_p":1.5,"messages":{{Hi}}}""", "top_p", "from 0 to 1" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","max_tokens":-5,"messages":{{Hi}}}""", "max_tokens", "1 or more" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","max_completion_tokens":0,"messages":{{Hi}}}""", "max_tokens", "1 or more" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","max_tokens":"many","messages":{{Hi}}}""", "max_tokens", "must be a whole number" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","max_tokens":1e10,"messages":{{Hi}}}""", "max_tokens", "must be a whole number" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","frequency_penalty":3,"messages":{{Hi}}}""", "frequency_penalty", "from -2 to 2" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","presence_penalty":-2.5,"messages":{{Hi}}}""", "presence_penalty", "from -2 to 2" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","n":0,"messages":{{Hi}}}""", "n", "n must be 1" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","seed":"x","messages":{{Hi}}}""", "seed", "whole number" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","top_logprobs":50,"messages":{{Hi}}}""", "top_logprobs", "from 0 to 20" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","logit_bias":{"50256":500},"messages":{{Hi}}}""", "logit_bias.50256", "from -100 to 100" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","stream":"yes","messages":{{Hi}}}""", "stream", "true or false" },
        { "/v1/chat/completions", """{"model":"gpt-fake","messages":[null]}""", "messages[0]", "not null" },
        { "/v1/chat/completions", """{"model":"gpt-fake","messages":[{"role":"user","content":[null]}]}""", "messages[0].content", "null" },
        { "/v1/chat/completions", """{"model":"gpt-fake","messages":[{"role":"system","content":[null]},{"role":"user","content":"hi"}]}""", "messages[0].content", "null" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","tools":[null],"messages":{{Hi}}}""", "tools[0]", "function" },
        { "/v1/chat/completions", """{"model":"gpt-fake","messages":[{"role":"user","content":"a\udc00b"}]}""", "messages[0].content", "valid Unicode" },
        { "/v1/chat/completions", """{"model":"gpt-fake","messages":[{"role":5,"content":"hi"}]}""", "messages[0].role", "must be a string" },
        { "/v1/chat/completions", $$$"""{"model":"gpt-fake","tools":[{"type":"function","function":{"name":"f","parameters":-1}}],"messages":{{{Hi}}}}""", "tools[0].function.parameters", "JSON Schema object" },
        { "/v1/chat/completions", """{"model":"gpt-fake","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,@@not base64@@"}}]}]}""", "messages[0].content[0].image_url.url", "not a valid image data URL" },
        { "/v1/chat/completions", $$$"""{"model":"gpt-fake","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":"nope"}},"messages":{{{Hi}}}}""", "response_format.json_schema.schema", "JSON Schema object" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","tool_choice":{"function":"x"},"messages":{{Hi}}}""", "tool_choice", "tool_choice must be" },
        { "/v1/chat/completions", $$$"""{"model":"gpt-fake","tool_choice":{"type":"function","function":{"name":5}},"messages":{{{Hi}}}}""", "tool_choice", "tool_choice must be" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","tool_choice":"sometimes","messages":{{Hi}}}""", "tool_choice", "tool_choice must be" },
        { "/v1/chat/completions", $$"""{"model":"gpt-fake","response_format":{"type":"yaml"},"messages":{{Hi}}}""", "response_format.type", "must be 'text'" },
        { "/v1/completions", """{"model":"gpt-fake","prompt":"hi","temperature":1e400}""", "temperature", "finite" },
        { "/v1/completions", """{"model":"gpt-fake","prompt":"hi","max_tokens":0}""", "max_tokens", "1 or more" },
        { "/v1/embeddings", """{"model":"gpt-fake","input":"hi","dimensions":-3}""", "dimensions", "1 or more" },
        { "/v1/embeddings", """{"model":"gpt-fake","input":[]}""", "input", "input" },
    };

    public static TheoryData<string, string> AnthropicCases => new()
    {
        { $$"""{"model":"gpt-fake","max_tokens":5,"temperature":1e400,"messages":{{Hi}}}""", "temperature" },
        { $$"""{"model":"gpt-fake","max_tokens":-5,"messages":{{Hi}}}""", "max_tokens" },
        { $$"""{"model":"gpt-fake","max_tokens":5,"top_k":-1,"messages":{{Hi}}}""", "top_k" },
        { $$"""{"model":"gpt-fake","max_tokens":5,"stream":"yes","messages":{{Hi}}}""", "stream: must be true or false" },
        { $$"""{"model":"gpt-fake","max_tokens":5,"metadata":5,"messages":{{Hi}}}""", "metadata: must be an object" },
        { $$"""{"model":"gpt-fake","max_tokens":5,"stop_sequences":[5],"messages":{{Hi}}}""", "stop_sequences.0: must be a string" },
        { $$"""{"model":"gpt-fake","max_tokens":5,"system":7,"messages":{{Hi}}}""", "system: must be a string" },
        { """{"model":"gpt-fake","max_tokens":5,"messages":[{"role":"user","content":"a\ud800"}]}""", "messages[0].content holds a string that is not valid Unicode text" },
        { """{"model":"gpt-fake","max_tokens":5,"max_tokens":6,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens" },
        { """{"model":"gpt-fake","max_tokens":5,"messages":[null]}""", "messages.0: must be an object" },
        { """{"model":"gpt-fake","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":7}]}]}""", "messages.0.content.0.text: must be a string" },
        { """{"model":"gpt-fake","max_tokens":5,"messages":[{"role":"user","content":[1]}]}""", "messages.0.content.0: must be an object" },
        { """{"model":"gpt-fake","max_tokens":5,"system":["x"],"messages":[{"role":"user","content":"hi"}]}""", "system.0: must be an object" },
        { """{"model":"gpt-fake","max_tokens":5,"tools":[7],"messages":[{"role":"user","content":"hi"}]}""", "tools.0: must be an object" },
    };

    [Theory]
    [MemberData(nameof(OpenAiCases))]
    public async Task OpenAiEndpoints_BadParameter_Is400NamingIt_AndNoBackendIsCalled(string path, string body, string param, string message)
    {
        using var http = Http();
        var before = gateway.Upstream.Requests.Count;

        using var response = await http.PostAsync(path, Json(body));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertNoInternals(error["message"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(AnthropicCases))]
    public async Task MessagesEndpoint_BadField_Is400NamingIt_AndNoBackendIsCalled(string body, string message)
    {
        using var http = Http();
        var before = gateway.Upstream.Requests.Count;

        using var response = await http.PostAsync("/v1/messages", Json(body));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertNoInternals(error["message"]!.GetValue<string>());
        Assert.Equal(before, gateway.Upstream.Requests.Count);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1/embeddings")]
    public async Task InvalidUtf8_Is400(string path)
    {
        using var http = Http();
        var prefix = Encoding.UTF8.GetBytes("""{"model":"gpt-fake","max_tokens":5,"input":"x","messages":[{"role":"user","content":"a""");
        var suffix = Encoding.UTF8.GetBytes("\"}]}");
        var content = new ByteArrayContent([.. prefix, 0xFF, 0xFE, 0xC3, .. suffix]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (path.EndsWith("embeddings", StringComparison.Ordinal))
        {
            content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("""{"model":"gpt-fake","input":"a"""), 0xFF, .. Encoding.UTF8.GetBytes("\"}")]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await http.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertNoInternals(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StreamedRequest_WithABadParameter_IsAPlain400_NotAStream()
    {
        using var http = Http();

        using var response = await http.PostAsync("/v1/chat/completions", Json($$"""{"model":"gpt-fake","stream":true,"temperature":-1,"messages":{{Hi}}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("temperature", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
    }

    internal static void AssertNoInternals(string message)
    {
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("`1", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Mostlyucid", message, StringComparison.Ordinal);
    }

    private HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.Key);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
