using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.Security;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;

/// <summary>
/// Journals every model request the gate admitted (POSTs to endpoints that need a gateway key) with the status it was
/// answered with — a refusal the endpoint made (a spent budget, a bad request) included — and the pipeline's record of
/// it. Runs after the gate, so a request the gate refused (no key, over its rate limit) is not journalled.
/// </summary>
internal sealed class RequestJournalMiddleware
{
    private readonly RequestDelegate _next;
    private readonly TrafficRecorder _recorder;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="RequestJournalMiddleware"/> class.</summary>
    /// <param name="next">The endpoint.</param>
    /// <param name="recorder">Where finished requests go.</param>
    /// <param name="time">The clock.</param>
    public RequestJournalMiddleware(RequestDelegate next, TrafficRecorder recorder, TimeProvider time)
    {
        _next = next;
        _recorder = recorder;
        _time = time;
    }

    /// <summary>Answers the request, and journals it when it is a model request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request is answered.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GatewayEndpoint>() is not { Access: EndpointAccess.Key }
            || !HttpMethods.IsPost(context.Request.Method))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var started = _time.GetTimestamp();
        var pending = new PendingRequest();
        PendingRequest.Current = pending;
        var status = 0;
        try
        {
            await _next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
            throw;
        }
        catch (Exception)
        {
            // The gate answers 500 for it.
            status = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            PendingRequest.Current = null;
            _recorder.Answered(
                GatewayHeaders.EnsureRequestId(context),
                context.Request.Path.Value ?? string.Empty,
                context.RequestAborted.IsCancellationRequested && status < 400 ? 499 : status,
                GatewayCallerFeature.Get(context) is { IsAuthorized: true } caller ? caller.KeyName : null,
                (long)_time.GetElapsedTime(started).TotalMilliseconds,
                pending.Record,
                pending.Attempts);
        }
    }
}
