using System.Text;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>Before measuring a target: one plain and one streamed request through it to each upstream must answer with content.</summary>
internal static class Sanity
{
    public static async Task CheckAsync(Target target)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        foreach (var upstream in Upstream.All)
        {
            foreach (var stream in new[] { false, true })
            {
                var endpoint = target.EndpointFor(upstream);
                var body = $$"""{"model":"{{endpoint.Model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                foreach (var (name, value) in endpoint.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await client.SendAsync(request).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode || !text.Contains("\"content\":\"", StringComparison.Ordinal) || (stream && !text.Contains("[DONE]", StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"{target.Name} did not answer a {(stream ? "streamed" : "plain")} request to upstream port {upstream.Port} properly: HTTP {(int)response.StatusCode}: {text[..Math.Min(text.Length, 400)]}");
                }
            }
        }
    }
}
