namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// How requests survive misbehaving providers (<c>LlmSettings:Resilience</c>): retries on the same backend, time limits,
/// circuit breakers, stream continuation and hedging. Backends may override the retry and time settings.
/// </summary>
public class ResilienceSettings
{
    /// <summary>
    /// Gets or sets how many times a failed attempt is retried on the same backend when the failure is worth retrying
    /// (rate limits, 5xx, connection failures) before failing over. <value>The default value is 2.</value>
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Gets or sets the first retry delay, doubled for each further retry (with jitter), in milliseconds. <value>The default value is 500.</value></summary>
    public int RetryBaseDelayMs { get; set; } = 500;

    /// <summary>Gets or sets the longest backoff delay, in milliseconds. <value>The default value is 8000.</value></summary>
    public int RetryMaxDelayMs { get; set; } = 8000;

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> that is waited for; a provider asking for longer is failed over instead.
    /// <value>The default value is 30.</value>
    /// </summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;

    /// <summary>Gets or sets how long a whole request may take, over every attempt and wait, in seconds. <value>The default value is 120.</value></summary>
    public int RequestDeadlineSeconds { get; set; } = 120;

    /// <summary>Gets or sets how long opening a connection may take, in seconds. <value>The default value is 10.</value></summary>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Gets or sets how long a stream may take to produce its first update, in seconds; past it the backend counts as
    /// silent and the request fails over. <value>The default value is 30.</value>
    /// </summary>
    public int FirstTokenTimeoutSeconds { get; set; } = 30;

    /// <summary>Gets or sets how long a stream may go quiet between updates, in seconds (stall detection). <value>The default value is 30.</value></summary>
    public int IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Gets or sets whether a stream that breaks after output started is continued on the next backend that supports an
    /// assistant prefill (the text already sent is given to it to continue). <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool ContinueBrokenStreams { get; set; } = true;

    /// <summary>
    /// Gets or sets whether a broken stream may also be continued on a backend that cannot take a prefill, by replay and
    /// skip: the original request is sent to it again, its new answer is checked (whitespace aside) to begin with exactly
    /// the text already sent, and only what follows is streamed on. A new answer that begins differently is never
    /// spliced in. Needs <see cref="ContinueBrokenStreams"/>. <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool ReplayBrokenStreams { get; set; } = true;

    /// <summary>Gets or sets when a stream whose backend is slow to give its first token is hedged on the next backend.</summary>
    public FirstTokenHedgingSettings FirstTokenHedging { get; set; } = new();

    /// <summary>
    /// Gets or sets, for the Hedged strategy, how long the first backend may go without a first token before a second one is
    /// started, in milliseconds. <value>The default value is 2000.</value>
    /// </summary>
    public int HedgingDelayMs { get; set; } = 2000;

    /// <summary>Gets or sets the circuit breakers' settings.</summary>
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();
}
