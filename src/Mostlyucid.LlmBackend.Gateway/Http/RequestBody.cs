using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>Reads a JSON request body, telling apart "too large" (413), "not JSON" (400) and an empty body.</summary>
internal static class RequestBody
{
    public static async Task<(T? Value, int Status, string? Error)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, 400, "The request body is empty; send a JSON object.") : (value, 200, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, 413, ex.Message);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } path ? $" at {path}" : string.Empty;
            return (null, 400, $"The request body is not valid JSON for this endpoint{where}: {ex.Message}");
        }
    }
}
