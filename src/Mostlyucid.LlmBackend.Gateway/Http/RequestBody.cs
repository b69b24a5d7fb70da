using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Json;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// Reads a JSON request body, telling apart "too large" (413), "not JSON or not the right shape" (400, naming the field
/// and what it must be, never a .NET type) and an empty body.
/// </summary>
internal static class RequestBody
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    // A document read field by field must not hold a key twice: which of the two a reader sees would be a guess.
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Reads the body as <typeparamref name="T"/>.</summary>
    /// <returns>The value, or the status, problem and offending field.</returns>
    public static async ValueTask<(T? Value, int Status, string? Error, string? Param)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            using var body = await BufferedBody.ReadAsync(context).ConfigureAwait(false);
            if (JsonTextCheck.Find(body.Span) is { } invalid)
            {
                return (null, 400, invalid.Message, invalid.Field);
            }

            var value = body.Span.IsEmpty ? null : JsonSerializer.Deserialize(body.Span, typeInfo);
            return value is null ? (null, 400, "The request body is empty; send a JSON object.", null) : (value, 200, null, null);
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            return (null, problem.Status, problem.Message, problem.Param);
        }
    }

    /// <summary>Reads the body as a JSON document, for endpoints that inspect it field by field.</summary>
    /// <returns>The document, or the status and problem.</returns>
    public static async ValueTask<(JsonNode? Value, int Status, string? Error)> ReadNodeAsync(HttpContext context)
    {
        try
        {
            using var body = await BufferedBody.ReadAsync(context).ConfigureAwait(false);
            if (JsonTextCheck.Find(body.Span) is { } invalid)
            {
                return (null, 400, invalid.Message);
            }

            var value = body.Span.IsEmpty ? null : JsonNode.Parse(body.Span, NodeOptions, DocumentOptions);
            return value is null ? (null, 400, "The request body is empty; send a JSON object.") : (value, 200, null);
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            return (null, problem.Status, problem.Message);
        }
    }

    private static (int Status, string Message, string? Param)? Problem(Exception exception) => exception switch
    {
        RequestBodyTooLargeException tooLarge => (413, tooLarge.Message + " Send a smaller request.", null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge => (413, tooLarge.Message, null),
        JsonException json => (
            400,
            JsonErrorText.IsWrongType(json)
                ? $"The request body does not fit this endpoint: {JsonErrorText.Describe(json)}."
                : $"The request body is not valid JSON for this endpoint: {JsonErrorText.Describe(json)}.",
            JsonErrorText.Field(json.Path)),
        _ => null,
    };
}
