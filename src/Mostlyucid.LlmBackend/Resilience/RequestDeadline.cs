namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>A request's overall deadline on the injected clock, linked with the caller's cancellation.</summary>
internal sealed class RequestDeadline : IDisposable
{
    private readonly CancellationTokenSource _timed;
    private readonly CancellationTokenSource _linked;

    public RequestDeadline(TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        _timed = new CancellationTokenSource(limit, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timed.Token);
    }

    /// <summary>Gets the token that ends with the deadline or the caller's cancellation.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Gets whether the deadline (not the caller) ended the request.</summary>
    public bool Expired => _timed.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timed.Dispose();
    }
}
