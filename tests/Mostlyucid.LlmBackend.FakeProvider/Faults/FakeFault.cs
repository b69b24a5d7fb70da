using System.Globalization;

namespace Mostlyucid.LlmBackend.FakeProvider.Faults;

/// <summary>
/// A fault the fake provider injects, from the <c>x-fake-fault</c> request header or a model named <c>fault:&lt;spec&gt;</c>.
/// The spec is comma-separated items, for example <c>status=429,retry-after=2,times=1</c> or <c>cut-after=41</c>:
/// <list type="table">
/// <item><term><c>status=N</c></term><description>answer with HTTP status N in the format's error shape</description></item>
/// <item><term><c>retry-after=S</c></term><description>with a <c>Retry-After: S</c> header</description></item>
/// <item><term><c>reset</c></term><description>drop the connection before any response bytes</description></item>
/// <item><term><c>silent</c></term><description>accept the request and never answer</description></item>
/// <item><term><c>reject-prefill</c></term><description>400 for a request that ends with an assistant message</description></item>
/// <item><term><c>first-token-delay=S</c></term><description>send headers at once, the first event after S seconds</description></item>
/// <item><term><c>cut-after=N</c></term><description>end the body after the Nth stream event, with no finish and no terminator (half a JSON body when not streaming)</description></item>
/// <item><term><c>stall-after=N</c>, <c>stall=S</c></term><description>after the Nth event go silent for S seconds (default 30), then carry on</description></item>
/// <item><term><c>malformed-at=N</c></term><description>the Nth stream event is not valid JSON</description></item>
/// <item><term><c>no-done</c></term><description>leave out the stream's terminator (<c>[DONE]</c>, <c>message_stop</c>)</description></item>
/// <item><term><c>times=N</c></term><description>only the first N requests with this spec are faulty, then it is healthy</description></item>
/// <item><term><c>for=S</c></term><description>faulty for S seconds from the first request with this spec, then healthy</description></item>
/// <item><term><c>flap=P</c></term><description>with probability P (0–1) a request gets one of <see cref="FlapFaults"/>,
/// chosen by the server's seeded random; otherwise it is healthy</description></item>
/// </list>
/// </summary>
public sealed record FakeFault
{
    /// <summary>The request header that carries a fault spec.</summary>
    public const string Header = "x-fake-fault";

    /// <summary>The model-name prefix that carries a fault spec.</summary>
    public const string ModelPrefix = "fault:";

    /// <summary>Gets the spec as written, which is also the key its <see cref="Times"/> and <see cref="For"/> are counted under.</summary>
    public string Spec { get; init; } = string.Empty;

    /// <summary>Gets the status to answer with.</summary>
    public int? Status { get; init; }

    /// <summary>Gets the Retry-After seconds to send with <see cref="Status"/>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Gets whether the connection is dropped before any response.</summary>
    public bool Reset { get; init; }

    /// <summary>Gets whether the request is never answered.</summary>
    public bool Silent { get; init; }

    /// <summary>Gets whether a trailing assistant message is refused.</summary>
    public bool RejectPrefill { get; init; }

    /// <summary>Gets the delay before the first event (or the JSON body).</summary>
    public TimeSpan? FirstTokenDelay { get; init; }

    /// <summary>Gets the number of events after which the body ends.</summary>
    public int? CutAfter { get; init; }

    /// <summary>Gets the number of events after which the stream stalls.</summary>
    public int? StallAfter { get; init; }

    /// <summary>Gets how long a stall lasts.</summary>
    public TimeSpan Stall { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the (1-based) event that is sent as invalid JSON.</summary>
    public int? MalformedAt { get; init; }

    /// <summary>Gets whether the stream's terminator is left out.</summary>
    public bool NoDone { get; init; }

    /// <summary>Gets how many requests are faulty before the spec turns healthy.</summary>
    public int? Times { get; init; }

    /// <summary>Gets how long after its first request the spec stays faulty.</summary>
    public TimeSpan? For { get; init; }

    /// <summary>Gets the probability that a request gets a random fault.</summary>
    public double? Flap { get; init; }

    /// <summary>Gets whether the fault changes how a body or stream is written (rather than whether there is one).</summary>
    public bool ShapesTheBody => FirstTokenDelay is not null || CutAfter is not null || StallAfter is not null || MalformedAt is not null || NoDone;

    /// <summary>Parses a spec.</summary>
    /// <exception cref="FormatException">An item is unknown or its value is not a number; the message names it.</exception>
    public static FakeFault Parse(string spec)
    {
        var fault = new FakeFault { Spec = spec };
        foreach (var item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? item : item[..equals];
            var value = equals < 0 ? null : item[(equals + 1)..];
            fault = key switch
            {
                "status" => fault with { Status = Number(key, value) },
                "retry-after" => fault with { RetryAfterSeconds = Number(key, value) },
                "reset" => fault with { Reset = true },
                "silent" => fault with { Silent = true },
                "reject-prefill" => fault with { RejectPrefill = true },
                "first-token-delay" => fault with { FirstTokenDelay = Seconds(key, value) },
                "cut-after" => fault with { CutAfter = Number(key, value) },
                "stall-after" => fault with { StallAfter = Number(key, value) },
                "stall" => fault with { Stall = Seconds(key, value) },
                "malformed-at" => fault with { MalformedAt = Number(key, value) },
                "no-done" => fault with { NoDone = true },
                "times" => fault with { Times = Number(key, value) },
                "for" => fault with { For = Seconds(key, value) },
                "flap" => fault with { Flap = Probability(key, value) },
                _ => throw new FormatException($"{Header}: unknown item '{key}' in '{spec}'. Known: status, retry-after, reset, silent, reject-prefill, first-token-delay, cut-after, stall-after, stall, malformed-at, no-done, times, for, flap."),
            };
        }

        return fault;
    }

    /// <summary>Picks the fault a flapping request gets: an error status, a reset, a cut, a garbled event or a short stall.</summary>
    /// <param name="random">The server's seeded random (callers serialize access).</param>
    public static FakeFault FlapFaults(Random random)
    {
        var at = random.Next(2, 56);
        return random.Next(7) switch
        {
            0 => new FakeFault { Spec = "status=500", Status = 500 },
            1 => new FakeFault { Spec = "status=503", Status = 503 },
            2 => new FakeFault { Spec = "status=429", Status = 429 },
            3 => new FakeFault { Spec = "reset", Reset = true },
            4 => new FakeFault { Spec = $"cut-after={at}", CutAfter = at },
            5 => new FakeFault { Spec = $"malformed-at={at}", MalformedAt = at },
            _ => new FakeFault { Spec = $"stall-after={at},stall=3", StallAfter = at, Stall = TimeSpan.FromSeconds(3) },
        };
    }

    private static double Probability(string key, string? value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1
            ? p
            : throw new FormatException($"{Header}: '{key}' needs a probability from 0 to 1, as in {key}=0.3 (got '{value}').");

    private static int Number(string key, string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"{Header}: '{key}' needs a whole number, as in {key}=2 (got '{value}').");

    private static TimeSpan Seconds(string key, string? value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"{Header}: '{key}' needs seconds, as in {key}=1.5 (got '{value}').");
}
