using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;

namespace QuickStart;

/// <summary>The offline demo's backend: repeats the question with a note that no real model answered.</summary>
public sealed class OfflineDemoBackend : BaseLlmBackend
{
    public OfflineDemoBackend(LlmBackendConfig config, ILogger<OfflineDemoBackend> logger, HttpClient httpClient)
        : base(config, logger, httpClient)
    {
    }

    public override Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var question = request.Messages.Count > 0 ? request.Messages[^1].Content : string.Empty;
        var answer = $"[offline demo, not a language model] You asked: \"{question}\". Configure a real backend (see appsettings.json) for real answers.";
        RecordSuccess(0);
        return Task.FromResult(new LlmResponse
        {
            Success = true,
            Content = answer,
            BackendUsed = Name,
            ModelUsed = _config.ModelName ?? "offline-demo",
            FinishReason = "stop",
            CompletionTokens = answer.Split(' ').Length,
            TotalTokens = answer.Split(' ').Length,
        });
    }
}
