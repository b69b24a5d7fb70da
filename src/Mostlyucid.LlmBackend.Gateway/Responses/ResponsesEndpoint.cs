using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Gateway.Responses.Storage;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// <c>POST /v1/responses</c>: OpenAI's Responses API on the same pipeline as chat completions (keys, limits, budgets,
/// ledger, cost, request ids and telemetry apply alike), so any backend format answers it. The request is checked whole
/// before anything is sent (400 naming the field; an unknown model is a 404), the conversation is resolved from stored
/// responses when it refers to them, and the answer is a Response object — or, with <c>stream: true</c>, the Responses
/// event sequence. Errors before the first token are real HTTP errors in OpenAI's shape.
/// </summary>
internal static class ResponsesEndpoint
{
    /// <summary>Handles the request.</summary>
    public static async Task HandleAsync(HttpContext context, ILlmService llm, TimeProvider time, IResponseStore store)
    {
        var (body, status, unreadable) = await RequestBody.ReadNodeAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await OpenAiErrorResponder.WriteAsync(context, status, unreadable!, "invalid_request_error", status == 413 ? "request_too_large" : null).ConfigureAwait(false);
            return;
        }

        var (request, problem) = ResponsesRequestReader.Read(body);
        if (request is null)
        {
            await WriteAsync(context, problem!).ConfigureAwait(false);
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(ResponsesLog.Category);
        if (logger.IsEnabled(LogLevel.Debug) && ResponsesRequestReader.Ignored.Where(name => ((JsonObject)body)[name] is not null).ToList() is { Count: > 0 } ignored)
        {
            ResponsesLog.IgnoredFields(logger, ignored);
        }

        var caller = GatewayCallerFeature.Get(context);
        if (ModelAccess.Check(llm, caller, request.Model) is { } denied)
        {
            await OpenAiErrorResponder.WriteAsync(context, denied.Status, denied.Message, "invalid_request_error", denied.Code, "model").ConfigureAwait(false);
            return;
        }

        var (items, unresolved) = await ResponsesInputResolver.ResolveAsync(request, caller.KeyName, store, context.RequestAborted).ConfigureAwait(false);
        if (items is null)
        {
            await WriteAsync(context, unresolved!).ConfigureAwait(false);
            return;
        }

        if (ResponsesInputConverter.Convert(request.Instructions, items, request.Chat.Messages) is { } invalid)
        {
            await WriteAsync(context, invalid).ConfigureAwait(false);
            return;
        }

        if (request.Chat.Messages.Count == 0)
        {
            await WriteAsync(context, new ResponsesProblem("input: there is nothing to answer: send input items (or instructions with input)", "input")).ConfigureAwait(false);
            return;
        }

        var answer = new ResponsesAnswer(context, llm, time, store, logger, request, items, caller.KeyName);
        try
        {
            await (request.Stream ? answer.StreamAsync() : answer.ReplyAsync()).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
    }

    private static Task WriteAsync(HttpContext context, ResponsesProblem problem) =>
        OpenAiErrorResponder.WriteAsync(context, problem.Status, problem.Message, "invalid_request_error", problem.Code, problem.Param);
}
