namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// First-token hedging for streams (<c>LlmSettings:Resilience:FirstTokenHedging</c>): when a backend has produced no first
/// token after a delay derived from what it usually takes, the next backend of the plan is started as well, and whichever
/// gives a first token first answers; the other is cancelled. A lone backend is still waited for up to its first-token
/// limit. A hedge can bill twice (the cancelled attempt's prompt), which is the price of the earlier first token.
/// Turn it off per backend with <c>Backends[].HedgeFirstToken: false</c> or per route with <c>Routes[].HedgeFirstToken</c>.
/// </summary>
public class FirstTokenHedgingSettings
{
    /// <summary>Gets or sets whether streams are hedged. <value>The default value is <see langword="true"/>.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the multiple of the backend's recent 95th-percentile time to first token after which the hedge starts.
    /// <value>The default value is 3: a backend three times slower than its usual slow case is probably stuck.</value>
    /// </summary>
    public double DelayMultiplier { get; set; } = 3;

    /// <summary>
    /// Gets or sets the shortest hedging delay, in milliseconds, however fast the backend usually is. <value>The default
    /// value is 1000: below that a hedge mostly doubles the bill for little gain.</value>
    /// </summary>
    public int MinDelayMs { get; set; } = 1000;

    /// <summary>
    /// Gets or sets the hedging delay while the backend has too little history (fewer than <see cref="MinSamples"/> first
    /// tokens in its latency window), in milliseconds. <value>The default value is 5000: with a fallback that starts
    /// within 5 s, an interactive caller sees a first token within about 10 s.</value>
    /// </summary>
    public int DefaultDelayMs { get; set; } = 5000;

    /// <summary>
    /// Gets or sets the longest hedging delay, in milliseconds, however slow the backend usually is. <value>The default
    /// value is 10000.</value>
    /// </summary>
    public int MaxDelayMs { get; set; } = 10_000;

    /// <summary>Gets or sets how many recent first tokens a backend needs before its own percentile sets the delay. <value>The default value is 5.</value></summary>
    public int MinSamples { get; set; } = 5;
}
