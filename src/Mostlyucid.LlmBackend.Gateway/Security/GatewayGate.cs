using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Dashboard;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;
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
    private readonly DashboardSessions _sessions;
    private readonly ILogger _logger;

    public GatewayGate(RequestDelegate next, GatewayConfiguration configuration, BackendRegistry registry, RequestRateLimiter limiter, TokenRateLimiter tokens, DashboardSessions sessions, ILogger<GatewayGate> logger)
    {
        _sessions = sessions;
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
            // and what it asks of the response cache (whose answer goes back in x-llmb-cache).
            var call = new LlmCallContext { CallerName = caller.IsAuthorized ? caller.KeyName : null, RequestId = requestId, CacheControl = CacheHeaders.Read(context.Request) };
            CacheHeaders.ShowOutcome(context.Response, call);
            using (LlmCallContext.Begin(call))
            {
                await _next(context).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The client's body ended before its Content-Length, or its chunking was malformed: the client's fault (a
            // client that hangs up mid-body does this), answered with Kestrel's status and never logged as ours.
            await RefuseUnreadableAsync(context, shape, requestId, ex).ConfigureAwait(false);
            return;
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

    /// <summary>The request's HTTP could not be read (see <see cref="BadHttpRequestException"/>): a 4xx naming why, if anyone is still listening.</summary>
    private async Task RefuseUnreadableAsync(HttpContext context, ErrorShape shape, string requestId, BadHttpRequestException exception)
    {
        GatewayLog.ClientRequestUnreadable(_logger, context.Request.Path, requestId, exception.Message);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await ReplaceResponseAsync(context, shape, requestId, exception.StatusCode, $"The request could not be read: {exception.Message} Send a complete body that matches its Content-Length.", code: null).ConfigureAwait(false);
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

        await ReplaceResponseAsync(
            context,
            shape,
            requestId,
            StatusCodes.Status500InternalServerError,
            $"The gateway failed while handling this request (request id {requestId}). This is a fault in the gateway, not in the request or a provider; it has been logged.",
            "internal_error").ConfigureAwait(false);
    }

    /// <summary>Discards whatever the endpoint had buffered and answers with an error in the client's format, keeping the request id.</summary>
    private static Task ReplaceResponseAsync(HttpContext context, ErrorShape shape, string requestId, int status, string message, string? code)
    {
        context.Response.Clear();
        context.Response.Headers[GatewayHeaders.RequestId] = requestId;
        return GatewayErrorWriter.WriteAsync(context, shape, status, message, code);
    }

    /// <summary>Establishes the caller; writes the refusal and returns <see langword="null"/> when there is one.</summary>
    private async Task<GatewayCaller?> AdmitAsync(HttpContext context, GatewayApiKeys keys, GatewayEndpoint gated, ErrorShape shape)
    {
        var (caller, perMinute) = Identify(context, keys, gated);
        if (caller is null && gated.AcceptsDashboardSession && !GatewayApiKeys.HasCredentials(context.Request))
        {
            caller = _sessions.Resolve(SessionCookie.Read(context.Request), keys);
        }

        if (caller is null && gated.RedirectsToLogin)
        {
            // A dashboard page: the browser goes to the login page (relative, so it works behind a proxy's path prefix).
            context.Response.Redirect(DashboardPaths.LoginFrom(context.Request.Path.Value));
            return null;
        }

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
        var unavailable = false;
        var requests = perMinute is { } limit ? await _limiter.TryAcquireAsync(caller.KeyName, limit, context.RequestAborted).ConfigureAwait(false) : LimitVerdict.Allowed;
        var tokens = !requests.StoreUnavailable && requests.Wait is null && caller.MaxTokensPerMinute is { } tokenLimit
            ? await _tokens.CheckAsync(caller.KeyName, tokenLimit, context.RequestAborted).ConfigureAwait(false)
            : LimitVerdict.Allowed;
        if (requests.StoreUnavailable || tokens.StoreUnavailable)
        {
            // Redis:LimitsWhenUnavailable is Refuse: a limited key waits for the shared store to come back.
            unavailable = true;
            (message, wait) = ($"The API key '{caller.KeyName}' has limits kept in a shared store that is unreachable, and this gateway refuses limited keys until it is back; retry shortly.", TimeSpan.FromSeconds(5));
        }
        else if (requests.Wait is { } requestWait)
        {
            GatewayLog.RejectedRateLimited(_logger, context.Request.Path, caller.KeyName, perMinute!.Value);
            (message, wait) = ($"The API key '{caller.KeyName}' is limited to {perMinute.Value} requests per minute; retry after {Math.Ceiling(requestWait.TotalSeconds)} s.", requestWait);
        }
        else if (tokens.Wait is { } tokenWait)
        {
            (message, wait) = ($"The API key '{caller.KeyName}' is limited to {caller.MaxTokensPerMinute} tokens per minute and has used them; retry after {Math.Ceiling(tokenWait.TotalSeconds)} s.", tokenWait);
        }

        if (message is null)
        {
            return false;
        }

        if (unavailable)
        {
            GatewayErrors.AddRetryAfter(context.Response, wait);
            await GatewayErrorWriter.WriteAsync(context, shape, StatusCodes.Status503ServiceUnavailable, message, "limits_unavailable").ConfigureAwait(false);
            return true;
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
            $"There is no endpoint at {context.Request.Method} {Shorten(context.Request.Path.Value)}. This gateway serves POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses, /v1/messages and /v1/messages/count_tokens, GET and DELETE /v1/responses/{{id}}, GET /v1/models, GET /health and /health/ready, and (admin keys) GET /admin/usage, /admin/budgets, /admin/config and /admin/api/…, and the dashboard at /dashboard/.",
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
