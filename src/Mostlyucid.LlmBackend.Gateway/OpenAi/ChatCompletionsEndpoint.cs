using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: streamed or not (decided by the body's <c>stream</c>, never by Accept), tools,
/// response formats, usage in a final chunk with <c>stream_options.include_usage</c>. Errors before the first token are
/// real HTTP errors (the SDKs pick the exception from the status); a stream that breaks after output started ends with an
/// error frame, never with <c>[DONE]</c>.
/// </summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ILlmService llm, TimeProvider time)
    {
        if (await OpenAiRequestGate.ReadAsync(context, llm, OpenAiJsonContext.Default.OpenAiChatRequest, w => w.Model).ConfigureAwait(false) is not { } wire)
        {
            return;
        }

        var (request, invalid, param) = OpenAiGatewayMapper.FromWire(wire);
        if (request is null)
        {
            await OpenAiErrorResponder.WriteAsync(context, 400, invalid!, "invalid_request_error", null, param).ConfigureAwait(false);
            return;
        }

        var id = "chatcmpl-" + GatewayHeaders.EnsureRequestId(context);
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            if (wire.Stream == true)
            {
                await StreamAsync(context, llm, request, id, created, wire.StreamOptions?.IncludeUsage == true).ConfigureAwait(false);
                return;
            }

            var response = await llm.ChatAsync(request, context.RequestAborted).ConfigureAwait(false);
            GatewayHeaders.SetAnswer(context.Response, response.BackendUsed, response.Attempts);
            GatewayHeaders.SetCost(context.Response, response.CostUsd);
            if (!response.Success)
            {
                await OpenAiErrorResponder.WriteAsync(context, response).ConfigureAwait(false);
                return;
            }

            await JsonResponse.WriteAsync(context, OpenAiGatewayMapper.ToWire(response, id, created), OpenAiJsonContext.Default.OpenAiChatResponse).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
    }

    private static async Task StreamAsync(HttpContext context, ILlmService llm, ChatRequest request, string id, long created, bool includeUsage)
    {
        var updates = llm.StreamChatAsync(request, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
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

            var writer = new OpenAiChunkWriter(context, id, created);
            await writer.StartAsync(update).ConfigureAwait(false);
            if (await StreamRelay.RelayAsync(updates, update, writer).ConfigureAwait(false) is not (var finish, var usage, var cost))
            {
                return;
            }

            await writer.FinishAsync(finish ?? FinishReasons.Stop).ConfigureAwait(false);
            if (includeUsage)
            {
                await writer.UsageAsync(usage ?? new LlmUsage(), cost).ConfigureAwait(false);
            }

            await writer.DoneAsync().ConfigureAwait(false);
        }
    }
}
