using System.Globalization;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Providers.Mock;

/// <summary>
/// The <c>Mock</c> provider's settings, read from a backend's <c>ProviderOptions</c>: <c>FirstTokenDelayMs</c>,
/// <c>ChunkDelayMs</c>, <c>FailureRate</c> (0–1), <c>FailureStatus</c>, <c>Seed</c>, <c>Dimensions</c>.
/// </summary>
internal sealed record MockOptions(int FirstTokenDelayMs, int ChunkDelayMs, double FailureRate, int FailureStatus, int? Seed, int Dimensions)
{
    public static MockOptions Read(LlmBackendConfig config, string label, List<string>? problems)
    {
        int Int(string key, int fallback, int min, int max)
        {
            if (!config.ProviderOptions.TryGetValue(key, out var text))
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            problems?.Add($"{label}: ProviderOptions:{key} must be a whole number from {min} to {max} (found '{text}').");
            return fallback;
        }

        double rate = 0;
        if (config.ProviderOptions.TryGetValue("FailureRate", out var rateText)
            && !(double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && rate >= 0 && rate <= 1))
        {
            problems?.Add($"{label}: ProviderOptions:FailureRate must be a number from 0 to 1 (found '{rateText}').");
            rate = 0;
        }

        foreach (var key in config.ProviderOptions.Keys.Where(k => !Known.Contains(k)))
        {
            problems?.Add($"{label}: ProviderOptions:{key} is not a Mock setting ({string.Join(", ", Known)}).");
        }

        return new MockOptions(
            Int("FirstTokenDelayMs", 0, 0, 600_000),
            Int("ChunkDelayMs", 0, 0, 60_000),
            rate,
            Int("FailureStatus", 503, 400, 599),
            config.ProviderOptions.ContainsKey("Seed") ? Int("Seed", 0, int.MinValue, int.MaxValue) : null,
            Int("Dimensions", 8, 1, 8192));
    }

    private static readonly string[] Known = { "FirstTokenDelayMs", "ChunkDelayMs", "FailureRate", "FailureStatus", "Seed", "Dimensions" };
}
