using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>Raw HTTP to a gateway's Responses API: JSON bodies in, parsed JSON or parsed SSE events out.</summary>
internal sealed class RawResponsesClient : IDisposable
{
    private readonly HttpClient _http;

    public RawResponsesClient(string baseUrl, string? key = GatewayFixture.Key)
    {
        _http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        if (key is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    /// <summary>Posts a request; returns the response and its JSON body.</summary>
    public async Task<(HttpResponseMessage Response, JsonNode Body)> CreateAsync(string json)
    {
        var response = await _http.PostAsync("/v1/responses", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>Posts a streamed request; returns the response and its events (the <c>event:</c> name and the data).</summary>
    public async Task<(HttpResponseMessage Response, List<(string Name, JsonNode Data)> Events)> StreamAsync(string json)
    {
        var response = await _http.PostAsync("/v1/responses", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var events = new List<(string, JsonNode)>();
        foreach (var frame in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = frame.Split('\n');
            var name = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            events.Add((name, JsonNode.Parse(data)!));
        }

        return (response, events);
    }

    public async Task<(HttpResponseMessage Response, JsonNode Body)> SendAsync(HttpMethod method, string path)
    {
        var response = await _http.SendAsync(new HttpRequestMessage(method, path));
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public void Dispose() => _http.Dispose();
}
