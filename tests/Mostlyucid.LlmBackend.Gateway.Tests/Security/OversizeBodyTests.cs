using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// A body over <c>Gateway:MaxRequestBodyBytes</c> always gets a clean 413 in the API's error shape — never a reset
/// connection that an SDK would answer by uploading everything again — whether its size is declared or not.
/// </summary>
[Collection(nameof(GatewayCollection))]
public sealed class OversizeBodyTests(GatewayFixture gateway)
{
    private const int Limit = 200_000;

    [Theory]
    [InlineData("/v1/chat/completions", 1)]
    [InlineData("/v1/chat/completions", 4_000)]
    [InlineData("/v1/chat/completions", 3_000_000)]
    [InlineData("/v1/messages", 10)]
    [InlineData("/v1/embeddings", 64_000)]
    public async Task DeclaredLength_JustOverOrFarOver_AlwaysA413_OnAReusedConnection(string path, int over)
    {
        using var http = Http();
        var body = Body(Limit + over);

        for (var i = 0; i < 15; i++)
        {
            using var response = await http.PostAsync(path, new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("Gateway:MaxRequestBodyBytes", text, StringComparison.Ordinal);
        }

        using var after = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-fake","messages":[{"role":"user","content":"still fine"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public async Task UndeclaredLength_OverTheLimit_IsA413_InTheApisShape(string path)
    {
        using var http = Http();

        for (var i = 0; i < 5; i++)
        {
            var content = new StreamContent(new MemoryStream(Body(Limit + 50_000)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            request.Headers.TransferEncodingChunked = true;
            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.NotNull(body["error"]);
        }
    }

    private static byte[] Body(int size)
    {
        var head = """{"model":"gpt-fake","max_tokens":5,"input":"x","messages":[{"role":"user","content":" """;
        const string Tail = "\"}]}";
        return Encoding.UTF8.GetBytes(head + new string('x', size - head.Length - Tail.Length) + Tail);
    }

    private HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.Key);
        return http;
    }
}
