namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>
/// Stored responses in this process: at most a configured number (the oldest is forgotten first) and each for the
/// retention time, measured with the injected <see cref="TimeProvider"/>. Gone when the process ends.
/// </summary>
internal sealed class InMemoryResponseStore : IResponseStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Owner, string Id), StoredResponse> _responses = new();
    private readonly Dictionary<(string Owner, string Id), (string ResponseId, string Json)> _items = new();
    private readonly Queue<(string Owner, string Id)> _order = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly int _capacity;

    /// <summary>Creates an empty store.</summary>
    /// <param name="time">The clock retention is measured by.</param>
    /// <param name="retention">How long a response is kept.</param>
    /// <param name="capacity">How many responses are kept at most.</param>
    public InMemoryResponseStore(TimeProvider time, TimeSpan retention, int capacity)
    {
        _time = time;
        _retention = retention;
        _capacity = capacity;
    }

    /// <inheritdoc/>
    public Task SaveAsync(StoredResponse response, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var key = (response.Owner, response.Id);
            if (_responses.TryAdd(key, response))
            {
                _order.Enqueue(key);
            }

            foreach (var item in response.Items)
            {
                _items[(response.Owner, item.Id)] = (response.Id, item.Json);
            }

            Trim();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<StoredResponse?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Trim();
            return Task.FromResult(_responses.GetValueOrDefault((owner, id)));
        }
    }

    /// <inheritdoc/>
    public Task<string?> FindItemAsync(string owner, string itemId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Trim();
            return Task.FromResult(_items.TryGetValue((owner, itemId), out var item) ? item.Json : null);
        }
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // The id stays in the order queue; Trim skips ids that are no longer stored.
            return Task.FromResult(Forget((owner, id)));
        }
    }

    /// <summary>Forgets expired responses and, past the capacity, the oldest ones.</summary>
    private void Trim()
    {
        var cutoff = _time.GetUtcNow() - _retention;
        while (_order.TryPeek(out var oldest))
        {
            if (_responses.TryGetValue(oldest, out var response) && response.CreatedAt > cutoff && _responses.Count <= _capacity)
            {
                break;
            }

            _order.Dequeue();
            Forget(oldest);
        }
    }

    private bool Forget((string Owner, string Id) key)
    {
        if (!_responses.Remove(key, out var response))
        {
            return false;
        }

        foreach (var item in response.Items)
        {
            // A later response may have stored the same item again; it stays until that one goes.
            if (_items.TryGetValue((key.Owner, item.Id), out var stored) && stored.ResponseId == response.Id)
            {
                _items.Remove((key.Owner, item.Id));
            }
        }

        return true;
    }
}
