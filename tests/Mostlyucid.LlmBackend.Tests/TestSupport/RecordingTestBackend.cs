using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>A BaseLlmBackend that records its own outcomes (when <see cref="RecordsOutcomes"/>), as the guide tells plugins to.</summary>
public sealed class RecordingTestBackend : BaseLlmBackend
{
    public RecordingTestBackend(LlmBackendConfig config, ILogger logger, bool recordsOutcomes)
        : base(config, logger, new HttpClient())
    {
        RecordsOutcomes = recordsOutcomes;
    }

    public bool RecordsOutcomes { get; }

    public bool Fail { get; set; }

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            if (RecordsOutcomes)
            {
                RecordFailure("told to fail");
            }

            return Task.FromResult(CreateErrorResponse("BadGateway", "told to fail"));
        }

        if (RecordsOutcomes)
        {
            RecordSuccess(7);
        }

        return Task.FromResult(new LlmResponse { Success = true, Content = "ok", BackendUsed = Name, FinishReason = "stop" });
    }
}
