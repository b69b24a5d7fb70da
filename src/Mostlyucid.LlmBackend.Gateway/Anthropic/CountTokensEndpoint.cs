using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tokens;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: Anthropic's token counting (the body of a Messages request without
/// <c>max_tokens</c>; the answer <c>{"input_tokens": n}</c>). Exact when the model routes to an Anthropic backend (its own
/// count_tokens endpoint answers); otherwise estimated with a tokenizer, which the response says in
/// <see cref="CountHeader"/> (<c>estimate</c>) and <see cref="TokenizerHeader"/>.
/// </summary>
internal static class CountTokensEndpoint
{
    /// <summary>Whether the count is the provider's own (<c>exact</c>) or the gateway's (<c>estimate</c>).</summary>
    public const string CountHeader = "x-llmb-token-count";

    /// <summary>The tokenizer an estimate used (<c>o200k_base</c>, <c>cl100k_base</c>); absent when exact.</summary>
    public const string TokenizerHeader = "x-llmb-tokenizer";

    /// <summary>The model's context window in tokens, when the gateway knows it.</summary>
    public const string ContextWindowHeader = "x-llmb-context-window";

    public static async Task HandleAsync(HttpContext context, ILlmService llm, ITokenCounter counter)
    {
        var (body, status, unreadable) = await RequestBody.ReadNodeAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await AnthropicErrorResponder.WriteAsync(context, status, unreadable!).ConfigureAwait(false);
            return;
        }

        var (request, _, problem) = AnthropicRequestReader.Read(body, context.Request, forCounting: true);
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

        TokenCount count;
        try
        {
            count = await counter.CountAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers[CountHeader] = count.IsEstimate ? "estimate" : "exact";
        if (count.Tokenizer is { } tokenizer)
        {
            headers[TokenizerHeader] = tokenizer;
        }

        if (count.BackendName is { } backend)
        {
            headers[GatewayHeaders.Backend] = backend;
        }

        if (count.ContextWindow is { } window)
        {
            headers[ContextWindowHeader] = window.ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["input_tokens"] = count.InputTokens }.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
