using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;
using TestPlugins.Isolation;

namespace TestPlugins.Echo;

/// <summary>Answers without a network call; a model named "fail" makes it fail like an unreachable provider.</summary>
public sealed class EchoBackend : BaseLlmBackend
{
    public EchoBackend(LlmBackendConfig config, ILogger<EchoBackend> logger, HttpClient httpClient)
        : base(config, logger, httpClient)
    {
        ConfigureHttpClient();
    }

    public override Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        if ((request.Model ?? _config.ModelName) == "fail")
        {
            RecordFailure("echo asked to fail");
            return Task.FromResult(CreateErrorResponse("ServiceUnavailable", "echo asked to fail"));
        }

        RecordSuccess(stopwatch.ElapsedMilliseconds);
        var last = request.Messages.Count > 0 ? request.Messages[^1].Content : string.Empty;
        return Task.FromResult(new LlmResponse
        {
            Success = true,
            Content = $"{EchoPlugin.Type} via {DependencyInfo.Describe()}: {last}",
            BackendUsed = Name,
            ModelUsed = _config.ModelName ?? "echo-model",
            FinishReason = "stop",
            CompletionTokens = 1,
            TotalTokens = 1,
        });
    }
}
