using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Gateway.Telemetry;

/// <summary>The gateway's log lines, with stable event ids. Keys are never logged, only their names.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "No Gateway:ApiKeys are configured: any client that can connect is accepted, so the gateway listens on loopback only ({Urls}). Configure API keys to accept remote clients.")]
    public static partial void LoopbackOnly(ILogger logger, string urls);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "******** No provider is configured (no provider API key variable is set and no Ollama answered at {OllamaUrl}). The gateway is serving the built-in Mock provider: its answers are NOT from a language model, and every response names the model 'mock'. Set OPENAI_API_KEY (or ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, GROQ_API_KEY, …) or configure LlmSettings:Backends, then restart. ********")]
    public static partial void MockOnly(ILogger logger, string ollamaUrl);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Using the embedded default backends; enabled: {Backends}. Clients can ask for model 'auto' (failover over all of them), a backend's name or its model.")]
    public static partial void DefaultsInUse(ILogger logger, IReadOnlyList<string> backends);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Gateway API keys configured: {Count}; requests need Authorization: Bearer <key> or x-api-key.")]
    public static partial void KeysRequired(ILogger logger, int count);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Rejected a request to {Path}: missing or unknown API key")]
    public static partial void RejectedUnauthenticated(ILogger logger, Microsoft.AspNetCore.Http.PathString path);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Rejected a request to {Path}: key '{KeyName}' is over its limit of {Limit} requests per minute")]
    public static partial void RejectedRateLimited(ILogger logger, Microsoft.AspNetCore.Http.PathString path, string keyName, int limit);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Refused a request to {Path} that a web browser sent on a page's behalf (no API keys are configured: Host, Origin or Sec-Fetch-Site not allowed)")]
    public static partial void RejectedBrowserRequest(ILogger logger, Microsoft.AspNetCore.Http.PathString path);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "Handling a request to {Path} (request id {RequestId}) failed inside the gateway; the client was told only the request id")]
    public static partial void EndpointFailed(ILogger logger, Microsoft.AspNetCore.Http.PathString path, string requestId, Exception exception);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Debug, Message = "A request to {Path} (request id {RequestId}) could not be read: {Reason} (the client's connection or HTTP, not a gateway fault)")]
    public static partial void ClientRequestUnreadable(ILogger logger, Microsoft.AspNetCore.Http.PathString path, string requestId, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "This process runs on one CPU, where .NET waits ten times longer (1 s without newly called methods) before it recompiles hot code: under load the gateway can take a minute to reach full speed. Set DOTNET_TC_CallCountingDelayMs=0 in its environment to get there within seconds (docs/benchmarks.md, \"Runtime settings\").")]
    public static partial void SlowTieringOnOneCpu(ILogger logger);
}
