using System.Globalization;
using System.Net.Http.Headers;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>Reads how long a provider asked callers to wait: <c>retry-after-ms</c>, then <c>Retry-After</c> (seconds or an HTTP date).</summary>
internal static class RetryAfterParser
{
    /// <summary>Reads the wait from response headers.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="now">The current time, for HTTP-date values.</param>
    /// <returns>The wait, or <see langword="null"/> when the provider gave none.</returns>
    public static TimeSpan? Parse(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var milliseconds)
            && double.TryParse(milliseconds.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // Some providers send fractional seconds ("1.5"), which the typed header rejects.
        if (headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }
}
