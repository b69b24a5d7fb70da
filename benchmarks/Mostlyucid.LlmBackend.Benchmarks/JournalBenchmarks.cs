using BenchmarkDotNet.Attributes;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// What the dashboard adds to each request the gateway answers: the request made into a journal entry, put in the ring
/// and counted into the 10-second and 1-minute buckets — for an answered request (one attempt) and a failover (two, the
/// first with an error message that is redacted).
/// </summary>
[MemoryDiagnoser]
public class JournalBenchmarks
{
    private TrafficRecorder _recorder = null!;
    private UsageRecord _answered = null!;
    private UsageRecord _failedOver = null!;
    private BackendAttempt[] _answeredAttempts = null!;
    private BackendAttempt[] _failedOverAttempts = null!;

    [GlobalSetup]
    public void Setup()
    {
        _recorder = new TrafficRecorder(new RequestJournal(2000), new TrafficStats(), new JournalEntries(new SecretRedactor()), TimeProvider.System);
        var ok = new BackendAttempt { BackendName = "secondary", Model = "gpt-4o-mini", Success = true, DurationMs = 120 };
        var failed = new BackendAttempt
        {
            BackendName = "primary",
            Model = "gpt-4o",
            DurationMs = 40,
            Error = new LlmError { Kind = LlmErrorKind.ServerError, Message = "The server had an error while processing your request.", StatusCode = 503 },
        };
        _answeredAttempts = new[] { ok };
        _failedOverAttempts = new[] { failed, ok with { Role = AttemptRole.Request } };
        _answered = Record(_answeredAttempts.Length);
        _failedOver = Record(_failedOverAttempts.Length);
    }

    [Benchmark(Baseline = true)]
    public void Answered() => _recorder.Answered("req_0123456789abcdef", "/v1/chat/completions", 200, "app", 120, _answered, _answeredAttempts);

    [Benchmark]
    public void FailedOver() => _recorder.Answered("req_0123456789abcdef", "/v1/chat/completions", 200, "app", 160, _failedOver, _failedOverAttempts);

    [Benchmark]
    public void RefusedBeforeThePipeline() => _recorder.Answered("req_0123456789abcdef", "/v1/chat/completions", 429, "intern", 1, null, null);

    private static UsageRecord Record(int attempts) => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        RequestId = "req_0123456789abcdef",
        CallerName = "app",
        Operation = "chat",
        RequestedModel = "smart",
        Route = "smart",
        Backend = "secondary",
        Model = "gpt-4o-mini",
        Attempts = attempts,
        PromptTokens = 20,
        CompletionTokens = 80,
        CostUsd = 0.0001m,
        DurationMs = 160,
        Outcome = UsageOutcome.Succeeded,
    };
}
