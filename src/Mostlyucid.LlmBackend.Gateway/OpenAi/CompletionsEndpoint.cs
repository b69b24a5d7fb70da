using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary><c>POST /v1/completions</c> (legacy text completions), answered through the chat pipeline.</summary>
internal static class CompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ILlmService llm, TimeProvider time)
    {
        if (await OpenAiRequestGate.ReadAsync(context, llm, GatewayJsonContext.Default.CompletionRequest, w => w.Model).ConfigureAwait(false) is not { } wire)
        {
            return;
        }

        var prompt = wire.Prompt.ValueKind switch
        {
            JsonValueKind.String => wire.Prompt.GetString(),
            JsonValueKind.Array when wire.Prompt.GetArrayLength() == 1 && wire.Prompt[0].ValueKind == JsonValueKind.String => wire.Prompt[0].GetString(),
            _ => null,
        };
        if (prompt is null || wire.N is not (null or 1))
        {
            await OpenAiErrorResponder.WriteAsync(context, 400, "prompt must be a string (or an array holding one string), and n must be 1", "invalid_request_error", null, prompt is null ? "prompt" : "n").ConfigureAwait(false);
            return;
        }

        var request = new LlmRequest
        {
            Prompt = prompt, Model = wire.Model, MaxTokens = wire.MaxTokens, Temperature = wire.Temperature, TopP = wire.TopP, Stop = wire.Stop,
            Seed = wire.Seed, FrequencyPenalty = wire.FrequencyPenalty, PresencePenalty = wire.PresencePenalty, User = wire.User,
        };
        var id = "cmpl-" + GatewayHeaders.EnsureRequestId(context);
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            if (wire.Stream == true)
            {
                await StreamAsync(context, llm, request, id, created, wire.StreamOptions?.IncludeUsage == true).ConfigureAwait(false);
                return;
            }

            var response = await llm.CompleteAsync(request, context.RequestAborted).ConfigureAwait(false);
            GatewayHeaders.SetAnswer(context.Response, response.BackendUsed, response.Attempts);
            GatewayHeaders.SetCost(context.Response, response.CostUsd);
            if (!response.Success)
            {
                await OpenAiErrorResponder.WriteAsync(context, response).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, new CompletionResponse
            {
                Id = id,
                Created = created,
                Model = response.ModelUsed,
                Choices = new() { new CompletionChoice { Text = response.Content, FinishReason = response.FinishReason ?? FinishReasons.Stop } },
                Usage = OpenAiGatewayMapper.Usage(response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens, response.ReasoningTokens, response.CostUsd),
            }, GatewayJsonContext.Default.CompletionResponse, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
    }

    private static async Task StreamAsync(HttpContext context, ILlmService llm, LlmRequest request, string id, long created, bool includeUsage)
    {
        var chat = new ChatRequest
        {
            Model = request.Model, MaxTokens = request.MaxTokens, Temperature = request.Temperature, TopP = request.TopP, Stop = request.Stop,
            Seed = request.Seed, FrequencyPenalty = request.FrequencyPenalty, PresencePenalty = request.PresencePenalty, User = request.User,
            Messages = { new ChatMessage { Role = ChatRole.User, Content = request.Prompt } },
        };
        var updates = llm.StreamChatAsync(chat, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        await using (updates.ConfigureAwait(false))
        {
            ChatStreamUpdate? update;
            try
            {
                update = await updates.MoveNextAsync().ConfigureAwait(false) ? updates.Current : null;
            }
            catch (LlmBackendException ex)
            {
                GatewayHeaders.SetAnswer(context.Response, ex.Error.BackendName, ex.Attempts);
                await OpenAiErrorResponder.WriteAsync(context, ex.Error).ConfigureAwait(false);
                return;
            }

            await SseFrames.StartAsync(context, update).ConfigureAwait(false);
            string? model = null;
            string? finish = null;
            LlmUsage? usage = null;
            decimal? cost = null;
            while (update is not null)
            {
                model = update.ModelUsed ?? model;
                finish = update.FinishReason ?? finish;
                usage = update.Usage ?? usage;
                cost = update.CostUsd ?? cost;
                if (update.ContentDelta is { Length: > 0 } text)
                {
                    await FrameAsync(context, new CompletionResponse { Id = id, Created = created, Model = model, Choices = new() { new CompletionChoice { Text = text } } }).ConfigureAwait(false);
                }

                try
                {
                    update = await updates.MoveNextAsync().ConfigureAwait(false) ? updates.Current : null;
                }
                catch (LlmBackendException ex)
                {
                    await SseFrames.WriteDataAsync(context, JsonSerializer.SerializeToUtf8Bytes(OpenAiErrorResponder.Envelope(context, ex.Error), Providers.OpenAI.OpenAiJsonContext.Default.OpenAiErrorEnvelope)).ConfigureAwait(false);
                    return;
                }
            }

            await FrameAsync(context, new CompletionResponse { Id = id, Created = created, Model = model, Choices = new() { new CompletionChoice { FinishReason = finish ?? FinishReasons.Stop } } }).ConfigureAwait(false);
            if (includeUsage)
            {
                var u = usage ?? new LlmUsage();
                await FrameAsync(context, new CompletionResponse { Id = id, Created = created, Model = model, Choices = new(), Usage = OpenAiGatewayMapper.Usage(u.PromptTokens, u.CompletionTokens, u.TotalTokens, u.CachedPromptTokens, u.ReasoningTokens, cost) }).ConfigureAwait(false);
            }

            await SseFrames.WriteDataAsync(context, "[DONE]"u8.ToArray()).ConfigureAwait(false);
        }
    }

    private static Task FrameAsync(HttpContext context, CompletionResponse chunk) =>
        SseFrames.WriteDataAsync(context, chunk, GatewayJsonContext.Default.CompletionResponse);
}
