using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>The gateway's response headers: the request id, the backend that answered, and how many attempts it took.</summary>
internal static class GatewayHeaders
{
    public const string RequestId = "x-request-id";
    public const string Backend = "x-llmb-backend";
    public const string Attempts = "x-llmb-attempts";
    public const string Cost = "x-llmb-cost-usd";

    /// <summary>Gets the request's id: the caller's <c>x-request-id</c> when sent (and sane), otherwise a new one.</summary>
    public static string EnsureRequestId(HttpContext context)
    {
        if (context.Items.TryGetValue(RequestId, out var existing) && existing is string id)
        {
            return id;
        }

        var given = context.Request.Headers[RequestId].ToString();
        id = given.Length is > 0 and <= 128 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? given
            : RequestIds.Next();
        context.Items[RequestId] = id;
        context.Response.Headers[RequestId] = id;
        return id;
    }

    /// <summary>Adds what the answer cost, in US dollars, when it is known (<c>x-llmb-cost-usd: 0.000123</c>).</summary>
    public static void SetCost(HttpResponse response, decimal? cost)
    {
        if (cost is { } dollars)
        {
            response.Headers[Cost] = FormatCost(dollars);
        }
    }

    /// <summary>A cost as the gateway writes it: dollars, invariant, up to nine decimals.</summary>
    public static string FormatCost(decimal dollars) => decimal.Round(dollars, 9).ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture);

    public static void SetAnswer(HttpResponse response, string? backend, int attempts)
    {
        if (backend is not null)
        {
            response.Headers[Backend] = backend;
        }

        if (attempts > 0)
        {
            response.Headers[Attempts] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
