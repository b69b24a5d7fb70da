using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// The response cache over HTTP (docs/caching.md). A request says what it wants with <c>Cache-Control: no-cache</c>
/// (answer afresh, store the answer), <c>Cache-Control: no-store</c> (leave the cache alone), or the gateway's own
/// <c>x-llmb-cache</c> header: <c>refresh</c>, <c>off</c>, or <c>on</c> (cache this request even though it samples).
/// <c>x-llmb-cache</c> wins over <c>Cache-Control</c>; <c>no-store</c> wins over <c>no-cache</c>. The answer carries
/// <c>x-llmb-cache: hit | miss | bypass</c>.
/// </summary>
internal static class CacheHeaders
{
    /// <summary>The request and response header.</summary>
    public const string Name = "x-llmb-cache";

    /// <summary>Reads what the request asks of the cache.</summary>
    public static LlmCacheControl Read(HttpRequest request)
    {
        var own = request.Headers[Name];
        if (own.Count > 0)
        {
            var value = own.ToString().Trim();
            if (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value.Equals("bypass", StringComparison.OrdinalIgnoreCase) || value.Equals("no-store", StringComparison.OrdinalIgnoreCase))
            {
                return LlmCacheControl.Bypass;
            }

            if (value.Equals("refresh", StringComparison.OrdinalIgnoreCase) || value.Equals("no-cache", StringComparison.OrdinalIgnoreCase))
            {
                return LlmCacheControl.Refresh;
            }

            if (value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("force", StringComparison.OrdinalIgnoreCase))
            {
                return LlmCacheControl.Force;
            }
        }

        var control = LlmCacheControl.Default;
        foreach (var header in request.Headers.CacheControl)
        {
            foreach (var directive in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (directive.Equals("no-store", StringComparison.OrdinalIgnoreCase))
                {
                    return LlmCacheControl.Bypass;
                }

                if (directive.Equals("no-cache", StringComparison.OrdinalIgnoreCase))
                {
                    control = LlmCacheControl.Refresh;
                }
            }
        }

        return control;
    }

    /// <summary>Puts what the cache did on the response when its headers go out (a stream's too: its first update is read before).</summary>
    public static void ShowOutcome(HttpResponse response, LlmCallContext call) =>
        response.OnStarting(
            static state =>
            {
                var (response, call) = ((HttpResponse, LlmCallContext))state;
                if (call.CacheOutcome != LlmCacheOutcome.None)
                {
                    response.Headers[Name] = TelemetryValues.Of(call.CacheOutcome);
                }

                return Task.CompletedTask;
            },
            (response, call));
}
