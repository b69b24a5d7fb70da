using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Tests.Telemetry;

public class AttemptCountsTests
{
    [Fact]
    public void Of_NoAttempts_IsAllZero() => Assert.Equal(default, AttemptCounts.Of(Array.Empty<BackendAttempt>()));

    [Fact]
    public void Of_TheSameBackendAgainInTheSameRole_IsARetry_AndAnotherBackendAFailover()
    {
        var counts = AttemptCounts.Of(new[] { Attempt("a"), Attempt("a"), Attempt("b") });

        Assert.Equal(new AttemptCounts(Attempts: 3, Failovers: 1, Retries: 1, Hedges: 0, Continuations: 0), counts);
    }

    [Fact]
    public void Of_HedgesAndContinuations_AreNeitherFailoversNorRetries()
    {
        var counts = AttemptCounts.Of(new[]
        {
            Attempt("a"),
            Attempt("b", AttemptRole.Hedge),
            Attempt("c", AttemptRole.PrefillContinuation),
            Attempt("c", AttemptRole.ReplayContinuation),
            Attempt("a", AttemptRole.PrefillContinuation),
            Attempt("a", AttemptRole.PrefillContinuation),
        });

        Assert.Equal(new AttemptCounts(Attempts: 6, Failovers: 0, Retries: 1, Hedges: 1, Continuations: 3), counts);
    }

    private static BackendAttempt Attempt(string backend, AttemptRole role = AttemptRole.Request) => new() { BackendName = backend, Role = role };
}
