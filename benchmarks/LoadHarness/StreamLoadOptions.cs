using System.Globalization;

namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>The stream load generator's command line.</summary>
internal sealed class StreamLoadOptions
{
    public required Uri Url { get; init; }

    public string Model { get; init; } = "m";

    public int Concurrency { get; init; } = 1;

    /// <summary>Gets how long streams are started and measured, in seconds (after the warm-up).</summary>
    public double DurationSeconds { get; init; } = 10;

    /// <summary>Gets how long streams run before any is measured, in seconds; the workers' starts are spread over it.</summary>
    public double WarmupSeconds { get; init; } = 3;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    public static StreamLoadOptions Parse(string[] args)
    {
        Uri? url = null;
        string model = "m";
        int concurrency = 1;
        double duration = 10, warmup = 3;
        var headers = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--url": url = new Uri(Value()); break;
                case "--model": model = Value(); break;
                case "--concurrency": concurrency = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--duration": duration = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--header":
                    var header = Value();
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} for 'streams'.");
            }
        }

        return new StreamLoadOptions
        {
            Url = url ?? throw new ArgumentException("streams needs --url."),
            Model = model,
            Concurrency = Math.Max(1, concurrency),
            DurationSeconds = duration,
            WarmupSeconds = warmup,
            Headers = headers,
        };
    }
}
