using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;

namespace Mostlyucid.LlmBackend.Pipeline;

/// <summary>
/// A stream that runs on the configuration current when it was opened. The flow it was opened in (with the snapshot
/// pinned) is captured once, and every step of the inner stream runs in it, so the pin holds however the caller
/// enumerates — without setting anything per chunk. The snapshot's lease is given back when the enumerator is disposed.
/// </summary>
internal sealed class SnapshotStream : IAsyncEnumerable<ChatStreamUpdate>
{
    private readonly IAsyncEnumerable<ChatStreamUpdate> _inner;
    private readonly ExecutionContext? _flow;
    private RegistrySnapshot? _leased;

    private SnapshotStream(IAsyncEnumerable<ChatStreamUpdate> inner, ExecutionContext? flow, RegistrySnapshot? leased)
    {
        _inner = inner;
        _flow = flow;
        _leased = leased;
    }

    /// <summary>Opens <paramref name="inner"/>'s stream on the current snapshot.</summary>
    public static IAsyncEnumerable<ChatStreamUpdate> Open(BackendRegistry registry, ILlmService inner, ChatRequest request, CancellationToken cancellationToken)
    {
        // Entered on a copy of the caller's flow: the pin never leaks into the caller's own flow.
        var copy = ExecutionContext.Capture();
        if (copy is null)
        {
            return inner.StreamChatAsync(request, cancellationToken);
        }

        var state = new OpenState(registry, inner, request, cancellationToken);
        ExecutionContext.Run(copy, static s => ((OpenState)s!).Run(), state);
        return state.Result!;
    }

    public IAsyncEnumerator<ChatStreamUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var leased = Interlocked.Exchange(ref _leased, null);
        if (_flow is null)
        {
            return new Enumerator(_inner.GetAsyncEnumerator(cancellationToken), null, leased);
        }

        var start = new StartState(_inner, cancellationToken);
        ExecutionContext.Run(_flow, static s => ((StartState)s!).Run(), start);
        return new Enumerator(start.Result!, _flow, leased);
    }

    private sealed class OpenState(BackendRegistry registry, ILlmService inner, ChatRequest request, CancellationToken cancellationToken)
    {
        public IAsyncEnumerable<ChatStreamUpdate>? Result { get; private set; }

        public void Run()
        {
            var scope = registry.Enter();
            if (scope.Snapshot is not { } snapshot)
            {
                Result = inner.StreamChatAsync(request, cancellationToken);
                return;
            }

            try
            {
                var stream = inner.StreamChatAsync(request, cancellationToken);

                // This flow has the snapshot pinned: every step of the stream runs in it. The lease passes to the stream.
                Result = new SnapshotStream(stream, ExecutionContext.Capture(), snapshot);
            }
            catch
            {
                scope.Dispose();
                throw;
            }
        }
    }

    private sealed class StartState(IAsyncEnumerable<ChatStreamUpdate> inner, CancellationToken cancellationToken)
    {
        public IAsyncEnumerator<ChatStreamUpdate>? Result { get; private set; }

        public void Run() => Result = inner.GetAsyncEnumerator(cancellationToken);
    }

    private sealed class Enumerator : IAsyncEnumerator<ChatStreamUpdate>
    {
        private static readonly ContextCallback MoveNext = static s => ((Enumerator)s!).MoveNextInFlow();
        private static readonly ContextCallback Dispose = static s => ((Enumerator)s!).DisposeInFlow();
        private readonly IAsyncEnumerator<ChatStreamUpdate> _inner;
        private readonly ExecutionContext? _flow;
        private RegistrySnapshot? _leased;
        private ValueTask<bool> _moved;
        private ValueTask _disposed;

        public Enumerator(IAsyncEnumerator<ChatStreamUpdate> inner, ExecutionContext? flow, RegistrySnapshot? leased)
        {
            _inner = inner;
            _flow = flow;
            _leased = leased;
        }

        public ChatStreamUpdate Current => _inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_flow is null)
            {
                return _inner.MoveNextAsync();
            }

            ExecutionContext.Run(_flow, MoveNext, this);
            return _moved;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_flow is null)
                {
                    await _inner.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    ExecutionContext.Run(_flow, Dispose, this);
                    await _disposed.ConfigureAwait(false);
                }
            }
            finally
            {
                Interlocked.Exchange(ref _leased, null)?.Release();
            }
        }

        // ExecutionContext.Run's callback returns nothing: the task is handed over in a field and returned (or awaited)
        // once, straight after, by the caller.
#pragma warning disable CA2012
        private void MoveNextInFlow() => _moved = _inner.MoveNextAsync();

        private void DisposeInFlow() => _disposed = _inner.DisposeAsync();
#pragma warning restore CA2012
    }
}
