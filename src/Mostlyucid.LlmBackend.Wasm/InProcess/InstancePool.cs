using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary>
/// The instances of one plugin, up to a limit: a call takes a free instance (or makes one while under the limit), or
/// waits; a call that needs a particular instance (a stream parser's state lives in one) waits for that one. Instances
/// that trapped or timed out are replaced.
/// </summary>
internal sealed class InstancePool : IDisposable
{
    private readonly Func<int, SandboxedInstance> _create;
    private readonly int _limit;
    private readonly object _lock = new();
    private readonly List<SandboxedInstance> _instances = new();
    private int _reserved;
    private int _nextId;
    private int _turn;
    private bool _disposed;

    public InstancePool(Func<int, SandboxedInstance> create, int limit, SandboxedInstance first)
    {
        _create = create;
        _limit = Math.Max(1, limit);
        _nextId = first.Id;
        _instances.Add(first);
    }

    /// <summary>Gets how many instances are alive.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _instances.Count;
            }
        }
    }

    /// <summary>Takes an instance for one call; the caller must <see cref="Release"/> it.</summary>
    /// <exception cref="PluginCallException">The pinned instance is gone, or no instance can be made.</exception>
    public async ValueTask<SandboxedInstance> AcquireAsync(PluginInstance? pinned, CancellationToken cancellationToken)
    {
        if (pinned is { } target)
        {
            var instance = Find(target.Id) ?? throw Lost();
            await instance.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (instance.Discarded)
            {
                instance.Gate.Release();
                throw Lost();
            }

            return instance;
        }

        while (true)
        {
            SandboxedInstance? wait = null;
            var create = false;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                foreach (var instance in _instances)
                {
                    if (!instance.Discarded && instance.Gate.Wait(0, CancellationToken.None))
                    {
                        return instance;
                    }
                }

                if (_instances.Count + _reserved < _limit)
                {
                    _reserved++;
                    create = true;
                }
                else if (_instances.Count > 0)
                {
                    wait = _instances[_turn++ % _instances.Count];
                }
            }

            if (create)
            {
                return Create();
            }

            if (wait is null)
            {
                // Every slot is being made by another call; let one finish.
                await Task.Yield();
                continue;
            }

            await wait.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!wait.Discarded)
            {
                return wait;
            }

            wait.Gate.Release();
        }
    }

    /// <summary>Gives an instance back after a call, throwing it away if the call left it unusable.</summary>
    public void Release(SandboxedInstance instance)
    {
        if (instance.Discarded)
        {
            lock (_lock)
            {
                _instances.Remove(instance);
            }

            instance.Dispose();
        }

        instance.Gate.Release();
    }

    public void Dispose()
    {
        List<SandboxedInstance> instances;
        lock (_lock)
        {
            _disposed = true;
            instances = _instances.ToList();
            _instances.Clear();
        }

        foreach (var instance in instances)
        {
            // A call still running on the instance finishes first (its time limit bounds the wait).
            instance.Gate.Wait(TimeSpan.FromSeconds(30));
            instance.Dispose();
        }
    }

    private static PluginCallException Lost() =>
        new(PluginFailure.InstanceLost, "the plugin instance that held this call's state (for example a stream parser) was stopped after a failure; the state went with it");

    private SandboxedInstance? Find(int id)
    {
        lock (_lock)
        {
            foreach (var instance in _instances)
            {
                if (instance.Id == id)
                {
                    return instance;
                }
            }

            return null;
        }
    }

    private SandboxedInstance Create()
    {
        SandboxedInstance instance;
        try
        {
            instance = _create(Interlocked.Increment(ref _nextId));
        }
        catch
        {
            lock (_lock)
            {
                _reserved--;
            }

            throw;
        }

        instance.Gate.Wait(0);
        lock (_lock)
        {
            _reserved--;
            _instances.Add(instance);
        }

        return instance;
    }
}
