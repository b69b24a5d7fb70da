using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic's Messages API (streamed with its event types, tools, thinking) translated onto the
/// same pipeline as the OpenAI endpoints, so an Anthropic client can reach any backend.
/// </summary>
internal static class MessagesEndpoint
{
    public static async Task HandleAsync(HttpContext context, ILlmService llm)
    {
        var requestId = GatewayHeaders.EnsureRequestId(context);
        var (body, status, unreadable) = await RequestBody.ReadNodeAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await AnthropicErrorResponder.WriteAsync(context, status, unreadable!).ConfigureAwait(false);
            return;
        }

        var (request, stream, problem) = AnthropicRequestReader.Read(body, context.Request);
        if (request is null)
        {
            await AnthropicErrorResponder.WriteAsync(context, 400, problem!).ConfigureAwait(false);
            return;
        }

        if (ModelAccess.Check(llm, GatewayCallerFeature.Get(context), request.Model) is { } denied)
        {
            await AnthropicErrorResponder.WriteAsync(context, denied.Status, denied.Message).ConfigureAwait(false);
            return;
        }

        var id = "msg_" + requestId;
        try
        {
            if (stream)
            {
                await StreamAsync(context, llm, request, id).ConfigureAwait(false);
                return;
            }

            var response = await llm.ChatAsync(request, context.RequestAborted).ConfigureAwait(false);
            GatewayHeaders.SetAnswer(context.Response, response.BackendUsed, response.Attempts);
            GatewayHeaders.SetCost(context.Response, response.CostUsd);
            if (!response.Success)
            {
                await AnthropicErrorResponder.WriteAsync(context, response.Error ?? new LlmError { Kind = LlmErrorKind.Unknown, Message = response.ErrorMessage ?? "The request failed." }).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(AnthropicResponseWriter.Message(response, id).ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
    }

    private static async Task StreamAsync(HttpContext context, ILlmService llm, ChatRequest request, string id)
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
                await AnthropicErrorResponder.WriteAsync(context, ex.Error).ConfigureAwait(false);
                return;
            }

            var writer = new AnthropicStreamWriter(context, id);
            await writer.StartAsync(update?.ModelUsed ?? request.Model, update).ConfigureAwait(false);
            if (await StreamRelay.RelayAsync(updates, update, writer).ConfigureAwait(false) is not (var finish, var usage, var cost))
            {
                return;
            }

            await writer.FinishAsync(finish, usage, cost).ConfigureAwait(false);
        }
    }
}
