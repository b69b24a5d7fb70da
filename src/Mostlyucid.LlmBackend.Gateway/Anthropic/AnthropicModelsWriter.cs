using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>Writes the gateway's model names as Anthropic's <c>GET /v1/models</c> page (one page holding them all).</summary>
internal static class AnthropicModelsWriter
{
    public static Task WriteAsync(HttpContext context, IEnumerable<RoutableModel> models, TimeProvider time)
    {
        var created = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var data = new JsonArray(models.Select(m => (JsonNode)new JsonObject
        {
            ["type"] = "model",
            ["id"] = m.Name,
            ["display_name"] = m.Kind == RoutableModelKind.Route ? $"{m.Name} (route: {string.Join(", ", m.Backends)})" : m.Name,
            ["created_at"] = created,
        }).ToArray());
        var body = new JsonObject
        {
            ["data"] = data,
            ["has_more"] = false,
            ["first_id"] = data.Count > 0 ? data[0]!["id"]!.GetValue<string>() : null,
            ["last_id"] = data.Count > 0 ? data[^1]!["id"]!.GetValue<string>() : null,
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
