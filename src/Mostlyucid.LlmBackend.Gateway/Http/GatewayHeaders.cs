using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// The gateway's response headers: the request id, the backend that answered, how many attempts it took and on how many
/// backends, and — on an error the gateway already retried or failed over — <c>x-should-retry: false</c>, which the
/// official OpenAI and Anthropic SDKs honour, so their retries do not multiply ours.
/// </summary>
internal static class GatewayHeaders
{
    public const string RequestId = "x-request-id";

    /// <summary>Where Anthropic's API (and so its SDKs, as <c>_request_id</c>) puts a response's request id.</summary>
    public const string AnthropicRequestId = "request-id";
    public const string Backend = "x-llmb-backend";
    public const string Attempts = "x-llmb-attempts";
    public const string BackendsTried = "x-llmb-backends-tried";
    public const string ShouldRetry = "x-should-retry";
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

    /// <summary>
    /// Also gives the request id where Anthropic's SDKs read it (<c>request-id</c>) on every response in Anthropic's shape:
    /// its endpoints, and the shared ones when the caller sent <c>anthropic-version</c>.
    /// </summary>
    public static void ShowRequestId(HttpContext context, ErrorShape shape, string requestId)
    {
        if (GatewayErrorWriter.Resolve(shape, context.Request) == ErrorShape.Anthropic)
        {
            context.Response.Headers[AnthropicRequestId] = requestId;
        }
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

    /// <summary>Adds, as a stream starts, who is answering and what it took so far (the attempt answering included).</summary>
    public static void SetStreamStart(HttpResponse response, ChatStreamUpdate? first)
    {
        if (first?.BackendUsed is not { } backend)
        {
            return;
        }

        response.Headers[Backend] = backend;
        response.Headers[Attempts] = Math.Max(1, first.Attempt).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[BackendsTried] = BackendsTriedCount(first.Attempts ?? Array.Empty<BackendAttempt>(), backend).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Adds who answered and what it took: attempts (retries included) and distinct backends sent the request.</summary>
    public static void SetAnswer(HttpResponse response, string? backend, IReadOnlyList<BackendAttempt> attempts)
    {
        if (backend is not null)
        {
            response.Headers[Backend] = backend;
        }

        if (attempts.Count == 0)
        {
            return;
        }

        response.Headers[Attempts] = attempts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[BackendsTried] = BackendsTriedCount(attempts, answering: null).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (attempts.Count > 1 && !attempts.Any(a => a.Success))
        {
            // Already retried or failed over here: a client retrying on top would multiply the attempts (and the bill).
            response.Headers[ShouldRetry] = "false";
        }
    }

    /// <summary>
    /// How many distinct backends were sent the request (a backend skipped for its open circuit was not), the one now
    /// answering included. The lists are a few attempts long: a scan, no set, on every response.
    /// </summary>
    private static int BackendsTriedCount(IReadOnlyList<BackendAttempt> attempts, string? answering)
    {
        var count = answering is null ? 0 : 1;
        for (var i = 0; i < attempts.Count; i++)
        {
            var name = attempts[i].BackendName;
            if (attempts[i].Error?.Kind == LlmErrorKind.CircuitOpen || string.Equals(name, answering, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var seen = false;
            for (var j = 0; j < i && !seen; j++)
            {
                seen = attempts[j].Error?.Kind != LlmErrorKind.CircuitOpen && string.Equals(attempts[j].BackendName, name, StringComparison.OrdinalIgnoreCase);
            }

            count += seen ? 0 : 1;
        }

        return count;
    }
}
