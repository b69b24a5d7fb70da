using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// Checks one table cell against the gateway's answer and what reached the upstream. Checks are joined with <c>&amp;&amp;</c>:
/// <c>has:path=json</c> (the upstream body has that value at the dotted path; numbers in a path index arrays),
/// <c>lacks:path</c>, <c>contains:path=text</c>, <c>absent:text</c> (nowhere in the upstream body), <c>header:name=value</c>,
/// <c>noheader:name</c>, <c>status:400</c> (the client got it and nothing reached the upstream), <c>error:text</c> (in the
/// client's error body). Every check but <c>status</c> also requires the client to have been answered 200.
/// </summary>
public static class CompatibilityCheck
{
    public static void Verify(string checks, int status, string responseBody, RecordedRequest? upstream, string context)
    {
        var parts = checks.Split(" && ", StringSplitOptions.TrimEntries);
        if (parts.FirstOrDefault(p => p.StartsWith("status:", StringComparison.Ordinal)) is { } expected)
        {
            Assert.True(status == int.Parse(expected[7..], System.Globalization.CultureInfo.InvariantCulture), $"{context}: expected HTTP {expected[7..]}, got {status}: {responseBody}");
            Assert.True(upstream is null, $"{context}: a refused request must not reach the upstream, but it did: {upstream?.Body}");
        }
        else
        {
            Assert.True(status == 200, $"{context}: expected HTTP 200, got {status}: {responseBody}");
            Assert.True(upstream is not null, $"{context}: nothing reached the upstream");
        }

        var body = upstream is null ? null : JsonNode.Parse(upstream.Body);
        foreach (var check in parts)
        {
            var colon = check.IndexOf(':', StringComparison.Ordinal);
            var (kind, argument) = (check[..colon], check[(colon + 1)..]);
            switch (kind)
            {
                case "status":
                    break;
                case "error":
                    Assert.True(responseBody.Contains(argument, StringComparison.Ordinal), $"{context}: the error should say '{argument}': {responseBody}");
                    break;
                case "has":
                    var (path, json) = Split(argument);
                    var actual = At(body, path);
                    Assert.True(actual is not null && JsonNode.DeepEquals(actual, JsonNode.Parse(json)), $"{context}: upstream {path} should be {json}, is {actual?.ToJsonString() ?? "absent"}; body: {upstream!.Body}");
                    break;
                case "lacks":
                    Assert.True(At(body, argument) is null && !Exists(body, argument), $"{context}: upstream should have no {argument}; body: {upstream!.Body}");
                    break;
                case "contains":
                    var (where, text) = Split(argument);
                    Assert.True(At(body, where)?.ToJsonString().Contains(text, StringComparison.Ordinal) == true, $"{context}: upstream {where} should contain '{text}'; body: {upstream!.Body}");
                    break;
                case "absent":
                    Assert.True(!upstream!.Body.Contains(argument, StringComparison.Ordinal), $"{context}: '{argument}' should not reach the upstream; body: {upstream.Body}");
                    break;
                case "header":
                    var (name, value) = Split(argument);
                    Assert.True(upstream!.Headers.TryGetValue(name, out var sent) && sent == value, $"{context}: upstream header {name} should be '{value}', is '{sent}' (sent: {string.Join(", ", upstream.Headers.Keys)})");
                    break;
                case "noheader":
                    Assert.False(upstream!.Headers.ContainsKey(argument), $"{context}: upstream should get no {argument} header, got '{upstream.Headers.GetValueOrDefault(argument)}'");
                    break;
                default:
                    Assert.Fail($"{context}: unknown check '{check}'");
                    break;
            }
        }
    }

    private static (string Left, string Right) Split(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return (argument[..equals], argument[(equals + 1)..]);
    }

    /// <summary>The node at a dotted path; <see langword="null"/> when absent (or JSON null).</summary>
    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            node = node switch
            {
                JsonArray array when int.TryParse(segment, out var index) => index < array.Count ? array[index] : null,
                JsonObject obj => obj[segment],
                _ => null,
            };
        }

        return node;
    }

    private static bool Exists(JsonNode? node, string path)
    {
        var dot = path.LastIndexOf('.');
        var parent = dot < 0 ? node : At(node, path[..dot]);
        return parent is JsonObject obj && obj.ContainsKey(dot < 0 ? path : path[(dot + 1)..]);
    }
}
