using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Streaming;
using Mostlyucid.LlmBackend.Telemetry;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Streaming;

/// <summary>One attempt at opening a stream, on its own.</summary>
public sealed class StreamAttemptTests
{
    [Fact]
    public async Task AnAttemptThatFailedToOpen_CanBeDisposedAgain_ByTheRaceThatStartedIt()
    {
        // A failed opening disposes its attempt at once; a hedge's race then disposes the loser again.
        var backend = new ScriptedBackend("failing", TimeProvider.System) { Always = new Fault.Status(503) };
        var entry = new BackendEntry(0, new LlmBackendConfig { Name = "failing" }, new BackendMetrics(TimeProvider.System, new MonitoringSettings()), new BackendState(BackendStatus.Ready, backend, null, null));

        var attempt = await StreamAttempt.OpenAsync(entry, new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } }, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);

        Assert.NotNull(attempt.Error);
        await attempt.DisposeAsync();
        await attempt.DisposeAsync();
    }
}
