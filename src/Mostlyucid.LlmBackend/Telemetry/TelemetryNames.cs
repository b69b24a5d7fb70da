namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// The names of the attributes, metrics and values the library records: the OpenTelemetry GenAI conventions'
/// (<c>gen_ai.*</c>, <c>error.type</c>) and ours (<c>llmb.*</c>). docs/telemetry.md lists them with their meaning.
/// </summary>
internal static class TelemetryNames
{
    // The GenAI conventions' attributes.
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestStream = "gen_ai.request.stream";
    public const string RequestSeed = "gen_ai.request.seed";
    public const string EmbeddingsDimensionCount = "gen_ai.embeddings.dimension.count";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseId = "gen_ai.response.id";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string ResponseTimeToFirstChunk = "gen_ai.response.time_to_first_chunk";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string UsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens";
    public const string UsageReasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens";
    public const string TokenType = "gen_ai.token.type";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string SystemInstructions = "gen_ai.system_instructions";
    public const string ErrorType = "error.type";

    // Ours.
    public const string Backend = "llmb.backend";
    public const string Route = "llmb.route";
    public const string Caller = "llmb.caller";
    public const string RequestId = "llmb.request_id";
    public const string Attempts = "llmb.attempts";
    public const string Failovers = "llmb.failovers";
    public const string Retries = "llmb.retries";
    public const string Hedges = "llmb.hedges";
    public const string Continuations = "llmb.continuations";
    public const string CostUsd = "llmb.cost_usd";
    public const string AttemptRole = "llmb.attempt.role";
    public const string AttemptNumber = "llmb.attempt.number";
    public const string AttemptOutcome = "llmb.attempt.outcome";
    public const string BreakerState = "llmb.breaker.state";

    /// <summary>What the response cache did: <c>hit</c>, <c>miss</c> or <c>bypass</c> (a span attribute and a metric dimension).</summary>
    public const string Cache = "llmb.cache";

    // The GenAI conventions' metrics.
    public const string OperationDurationMetric = "gen_ai.client.operation.duration";
    public const string TokenUsageMetric = "gen_ai.client.token.usage";
    public const string TimeToFirstChunkMetric = "gen_ai.client.operation.time_to_first_chunk";

    // Our metrics.
    public const string AttemptsMetric = "llmb.attempts";
    public const string FailoversMetric = "llmb.failovers";
    public const string RetriesMetric = "llmb.retries";
    public const string HedgesMetric = "llmb.hedges";
    public const string ContinuationsMetric = "llmb.continuations";
    public const string BreakerTransitionsMetric = "llmb.breaker.transitions";
    public const string CostMetric = "llmb.cost";
    public const string CacheRequestsMetric = "llmb.cache.requests";

    // Values.
    public const string Chat = "chat";
    public const string TextCompletion = "text_completion";
    public const string Embeddings = "embeddings";
    public const string Input = "input";
    public const string Output = "output";
    public const string Success = "success";
    public const string Cancelled = "cancelled";

    /// <summary>The value of <c>gen_ai.request.model</c> on metrics for a model that is not a configured route, backend or model name.</summary>
    public const string OtherModel = "other";

    /// <summary>The value of <c>gen_ai.provider.name</c> and <c>llmb.backend</c> when no backend was tried (the request was refused before routing).</summary>
    public const string None = "none";
}
