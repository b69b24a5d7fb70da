using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;

namespace MyCompany.LlmBackend.MistralPlugin;

public class MistralLlmBackend : BaseLlmBackend
{
    private const string DefaultModel = "mistral-large-latest";

    public MistralLlmBackend(
        LlmBackendConfig config,
        ILogger<MistralLlmBackend> logger,
        HttpClient httpClient)
        : base(config, logger, httpClient)
    {
        ConfigureHttpClient();
    }

    protected override void ConfigureHttpClient()
    {
        base.ConfigureHttpClient();

        if (!string.IsNullOrEmpty(_config.ApiKey))
        {
            _httpClient.DefaultRequestHeaders.Add("Authorization", $"Bearer {_config.ApiKey}");
        }
    }

    public override async Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _httpClient.GetAsync("/v1/models", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Mistral backend {BackendName} is not available", Name);
            return false;
        }
    }

    public override async Task<LlmResponse> CompleteAsync(
        LlmRequest request,
        CancellationToken cancellationToken = default)
    {
        var chatRequest = new ChatRequest
        {
            Messages = new List<ChatMessage>
            {
                new() { Role = "user", Content = request.Prompt }
            },
            Temperature = request.Temperature,
            MaxTokens = request.MaxTokens
        };

        return await ChatAsync(chatRequest, cancellationToken);
    }

    public override async Task<LlmResponse> ChatAsync(
        ChatRequest request,
        CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();

        try
        {
            var mistralRequest = new
            {
                model = _config.ModelName ?? DefaultModel,
                messages = request.Messages.Select(m => new
                {
                    role = m.Role.ToLowerInvariant(),
                    content = m.Content
                }),
                temperature = request.Temperature ?? _config.Temperature ?? 0.7,
                max_tokens = request.MaxTokens ?? _config.MaxOutputTokens ?? 2000
            };

            var json = JsonSerializer.Serialize(mistralRequest);
            var content = new StringContent(json, Encoding.UTF8, "application/json");

            var response = await _httpClient.PostAsync("/v1/chat/completions", content, cancellationToken);

            stopwatch.Stop();

            if (!response.IsSuccessStatusCode)
            {
                var errorContent = await response.Content.ReadAsStringAsync(cancellationToken);
                _logger.LogError(
                    "Mistral request failed with status {StatusCode}: {Error}",
                    response.StatusCode,
                    errorContent);

                RecordFailure(errorContent);
                return CreateErrorResponse(response.StatusCode.ToString(), errorContent);
            }

            var responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
            var mistralResponse = JsonSerializer.Deserialize<MistralResponse>(responseBody);

            if (mistralResponse == null)
            {
                RecordFailure("Failed to deserialize response");
                return CreateErrorResponse("DeserializationError", "Failed to parse Mistral response");
            }

            RecordSuccess(stopwatch.ElapsedMilliseconds);

            return new LlmResponse
            {
                Content = mistralResponse.Choices?.FirstOrDefault()?.Message?.Content ?? string.Empty,
                BackendUsed = Name,
                Success = true,
                DurationMs = stopwatch.ElapsedMilliseconds,
                ModelUsed = mistralResponse.Model ?? DefaultModel,
                PromptTokens = mistralResponse.Usage?.PromptTokens ?? 0,
                CompletionTokens = mistralResponse.Usage?.CompletionTokens ?? 0,
                TotalTokens = mistralResponse.Usage?.TotalTokens ?? 0,
                FinishReason = mistralResponse.Choices?.FirstOrDefault()?.FinishReason
            };
        }
        catch (Exception ex)
        {
            stopwatch.Stop();
            _logger.LogError(ex, "Error calling Mistral backend {BackendName}", Name);
            RecordFailure(ex.Message);
            return CreateErrorResponse("Exception", ex.Message);
        }
    }

    private class MistralResponse
    {
        public string? Id { get; set; }
        public string? Object { get; set; }
        public long Created { get; set; }
        public string? Model { get; set; }
        public List<Choice>? Choices { get; set; }
        public Usage? Usage { get; set; }
    }

    private class Choice
    {
        public int Index { get; set; }
        public Message? Message { get; set; }
        public string? FinishReason { get; set; }
    }

    private class Message
    {
        public string? Role { get; set; }
        public string? Content { get; set; }
    }

    private class Usage
    {
        public int PromptTokens { get; set; }
        public int CompletionTokens { get; set; }
        public int TotalTokens { get; set; }
    }
}
