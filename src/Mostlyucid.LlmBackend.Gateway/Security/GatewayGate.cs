using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.Telemetry;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// The one gate every request passes before any endpoint runs. It acts on the endpoint routing matched and that
/// endpoint's <see cref="GatewayEndpoint"/> metadata — never on how the path was spelled — so no spelling (case, slashes,
/// percent-encoding, dot segments, another method) reaches an endpoint around it. In order: the defence of key-less mode
/// (other machines, browsers), unknown paths and methods, the body's media type, the key and the key's limit, the body
/// size limit. Every refusal is a JSON error in the calling API's shape, and an exception from the endpoint is a 500
/// that gives the request id and nothing else.
/// </summary>
internal sealed class GatewayGate
{

    private readonly RequestDelegate _next;
    private readonly GatewayConfiguration _configuration;
    private readonly BackendRegistry _registry;
    private readonly RequestRateLimiter _limiter;
    private readonly TokenRateLimiter _tokens;
    private readonly ILogger _logger;

    public GatewayGate(RequestDelegate next, GatewayConfiguration configuration, BackendRegistry registry, RequestRateLimiter limiter, TokenRateLimiter tokens, ILogger<GatewayGate> logger)
    {
        _next = next;
        _configuration = configuration;
        _registry = registry;
        _limiter = limiter;
        _tokens = tokens;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        // The request reads the configuration once, here, and finishes on it whatever a reload swaps in meanwhile: the
        // gateway's (keys, limits, origins) and the library's (backends, routes, budgets).
        var configuration = _configuration.Current;
        using var llm = _registry.Enter();
        var requestId = GatewayHeaders.EnsureRequestId(context);
        var endpoint = context.GetEndpoint();
        var gated = endpoint?.Metadata.GetMetadata<GatewayEndpoint>();
        var shape = gated?.Errors ?? ErrorShape.ByClient;
        GatewayHeaders.ShowRequestId(context, shape, requestId);

        // The id is on every log line of the request (a scope), and travels on in W3C trace context (baggage).
        using var logScope = _logger.BeginScope(new RequestIdScope(requestId));
        Activity.Current?.SetTag(RequestIdScope.Key, requestId).AddBaggage(RequestIdScope.Key, requestId);

        if (configuration.Keyless.Refusal(context.Request) is { } refusal)
        {
            GatewayLog.RejectedBrowserRequest(_logger, context.Request.Path);
            await GatewayErrorWriter.WriteAsync(context, shape, StatusCodes.Status403Forbidden, refusal, "browser_request_refused").ConfigureAwait(false);
            return;
        }

        if (gated is null)
        {
            await RefuseUnknownAsync(context, endpoint).ConfigureAwait(false);
            return;
        }

        if (gated.TakesJsonBody && !IsJsonOrUnlabelled(context.Request))
        {
            await GatewayErrorWriter.WriteAsync(
                context,
                shape,
                StatusCodes.Status415UnsupportedMediaType,
                $"The request body must be JSON, sent with 'Content-Type: application/json' (it was '{Shorten(context.Request.ContentType)}').",
                "unsupported_media_type").ConfigureAwait(false);
            return;
        }

        if (await AdmitAsync(context, configuration.Keys, gated, shape).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        var bodyLimit = configuration.BodyLimit;
        if (bodyLimit.DeclaredTooLarge(context.Request))
        {
            await GatewayErrorWriter.WriteAsync(context, shape, StatusCodes.Status413PayloadTooLarge, bodyLimit.Message, "request_too_large").ConfigureAwait(false);
            await bodyLimit.DrainAsync(context, context.Request.Body).ConfigureAwait(false);
            return;
        }

        var body = bodyLimit.Apply(context);
        try
        {
            // Who is calling, for the usage ledger and budgets, for everything this request does.
            using (LlmCallContext.Begin(new LlmCallContext { CallerName = caller.IsAuthorized ? caller.KeyName : null, RequestId = requestId }))
            {
                await _next(context).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await FailAsync(context, shape, requestId, ex).ConfigureAwait(false);
            return;
        }

        if (body.Exceeded)
        {
            await bodyLimit.DrainAsync(context, body.Inner).ConfigureAwait(false);
        }
    }

    /// <summary>An endpoint threw: log it (redacted, like every log line) and answer 500 with the request id, or cut a started response.</summary>
    private async Task FailAsync(HttpContext context, ErrorShape shape, string requestId, Exception exception)
    {
        GatewayLog.EndpointFailed(_logger, context.Request.Path, requestId, exception);
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.Headers[GatewayHeaders.RequestId] = requestId;
        await GatewayErrorWriter.WriteAsync(
            context,
            shape,
            StatusCodes.Status500InternalServerError,
            $"The gateway failed while handling this request (request id {requestId}). This is a fault in the gateway, not in the request or a provider; it has been logged.",
            "internal_error").ConfigureAwait(false);
    }

    /// <summary>Establishes the caller; writes the refusal and returns <see langword="null"/> when there is one.</summary>
    private async Task<GatewayCaller?> AdmitAsync(HttpContext context, GatewayApiKeys keys, GatewayEndpoint gated, ErrorShape shape)
    {
        var (caller, perMinute) = Identify(context, keys, gated);
        if (caller is null)
        {
            GatewayLog.RejectedUnauthenticated(_logger, context.Request.Path);
            await GatewayErrorWriter.WriteAsync(
                context,
                shape,
                StatusCodes.Status401Unauthorized,
                "Missing or invalid API key: send a gateway key as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
                "invalid_api_key").ConfigureAwait(false);
            return null;
        }

        if (gated.Access == EndpointAccess.Admin && !caller.IsAdmin)
        {
            await GatewayErrorWriter.WriteAsync(
                context,
                shape,
                StatusCodes.Status403Forbidden,
                $"The API key '{caller.KeyName}' may not read usage and spend: that needs a key with \"Role\": \"Admin\".",
                "admin_key_required").ConfigureAwait(false);
            return null;
        }

        if (caller.IsAuthorized && keys.Required && await LimitedAsync(context, caller, perMinute, shape).ConfigureAwait(false))
        {
            return null;
        }

        GatewayCallerFeature.Set(context, caller);
        return caller;
    }

    /// <summary>The caller: a key's, the anonymous one without keys, the unidentified one where a key is optional; <see langword="null"/> for a missing or wrong key.</summary>
    private static (GatewayCaller? Caller, int? PerMinute) Identify(HttpContext context, GatewayApiKeys keys, GatewayEndpoint gated)
    {
        if (!keys.Required)
        {
            return (GatewayCaller.Anonymous, null);
        }

        if (keys.Authenticate(context.Request) is { } found)
        {
            return (found.Caller, found.PerMinute);
        }

        return (gated.Access == EndpointAccess.Anyone && !GatewayApiKeys.HasCredentials(context.Request) ? GatewayCaller.Unidentified : null, null);
    }

    /// <summary>Applies the key's request and token limits; writes the 429 and returns <see langword="true"/> when over one.</summary>
    private async Task<bool> LimitedAsync(HttpContext context, GatewayCaller caller, int? perMinute, ErrorShape shape)
    {
        string? message = null;
        TimeSpan? wait = null;
        if (perMinute is { } limit && _limiter.TryAcquire(caller.KeyName, limit) is { } requestWait)
        {
            GatewayLog.RejectedRateLimited(_logger, context.Request.Path, caller.KeyName, limit);
            (message, wait) = ($"The API key '{caller.KeyName}' is limited to {limit} requests per minute; retry after {Math.Ceiling(requestWait.TotalSeconds)} s.", requestWait);
        }
        else if (caller.MaxTokensPerMinute is { } tokens && _tokens.WaitFor(caller.KeyName, tokens) is { } tokenWait)
        {
            (message, wait) = ($"The API key '{caller.KeyName}' is limited to {tokens} tokens per minute and has used them; retry after {Math.Ceiling(tokenWait.TotalSeconds)} s.", tokenWait);
        }

        if (message is null)
        {
            return false;
        }

        GatewayErrors.AddRetryAfter(context.Response, wait);
        await GatewayErrorWriter.WriteAsync(context, shape, StatusCodes.Status429TooManyRequests, message, "rate_limit_exceeded").ConfigureAwait(false);
        return true;
    }

    /// <summary>No gateway endpoint matched: 405 when the path exists with other methods, else 404.</summary>
    private static async Task RefuseUnknownAsync(HttpContext context, Endpoint? endpoint)
    {
        if (endpoint is not null && GatewayEndpointAudit.IsMethodNotAllowed(endpoint) && endpoint.RequestDelegate is { } methodNotAllowed)
        {
            // ASP.NET Core's own 405 endpoint sets the status and the Allow header; the body is ours.
            await methodNotAllowed(context).ConfigureAwait(false);
            var allowed = context.Response.Headers.Allow.ToString();
            await GatewayErrorWriter.WriteAsync(
                context,
                ErrorShape.ByClient,
                StatusCodes.Status405MethodNotAllowed,
                $"{context.Request.Method} is not supported on {Shorten(context.Request.Path.Value)}" + (allowed.Length > 0 ? $"; use {allowed}." : "."),
                "method_not_allowed").ConfigureAwait(false);
            return;
        }

        await GatewayErrorWriter.WriteAsync(
            context,
            ErrorShape.ByClient,
            StatusCodes.Status404NotFound,
            $"There is no endpoint at {context.Request.Method} {Shorten(context.Request.Path.Value)}. This gateway serves POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses and /v1/messages, GET and DELETE /v1/responses/{{id}}, GET /v1/models, GET /health and /health/ready, and (admin keys) GET /admin/usage, /admin/budgets and /admin/config.",
            "unknown_url").ConfigureAwait(false);
    }

    /// <summary>A body must be labelled JSON (<c>application/json</c>, <c>application/*+json</c>) or not labelled at all.</summary>
    private static bool IsJsonOrUnlabelled(HttpRequest request)
    {
        var hasBody = request.ContentLength is > 0
            || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
        if (!hasBody || string.IsNullOrEmpty(request.ContentType))
        {
            return true;
        }

        return MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || (type.Type.Equals("application", StringComparison.OrdinalIgnoreCase) && type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));
    }

    private static string Shorten(string? text) =>
        text is null ? string.Empty : text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "…");
}
