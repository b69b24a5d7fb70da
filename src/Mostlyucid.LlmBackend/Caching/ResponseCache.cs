using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Security;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The cache's store: an <see cref="IDistributedCache"/> (memory, bounded by size, or Redis) holding cached answers as
/// JSON. It fails open: a store that throws or times out is a miss (read) or nothing (write), logged once when it goes and
/// once when it comes back, so an unreachable cache costs requests nothing but the cache.
/// </summary>
internal sealed class ResponseCache
{
    private readonly IDistributedCache _store;
    private readonly TimeSpan _lifetime;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;
    private int _unavailable;
    private string? _lastError;

    public ResponseCache(IDistributedCache store, string provider, TimeSpan lifetime, SecretRedactor redactor, ILogger logger)
    {
        _store = store;
        Provider = provider;
        _lifetime = lifetime;
        _redactor = redactor;
        _logger = logger;
    }

    /// <summary>Gets the provider's name (<c>Memory</c>, <c>Redis</c>).</summary>
    public string Provider { get; }

    /// <summary>Gets whether the last call to the store worked.</summary>
    public bool Available => Volatile.Read(ref _unavailable) == 0;

    /// <summary>Gets the last failure's message (redacted), if the store has failed.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Reads an answer; <see langword="null"/> when there is none or the store failed.</summary>
    public async ValueTask<CachedAnswer?> GetAsync(string key, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            Worked();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed(ex);
            return null;
        }

        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, CacheJsonContext.Default.CachedAnswer);
        }
        catch (JsonException ex)
        {
            CacheLog.Unreadable(_logger, ex.Message);
            return null;
        }
    }

    /// <summary>Stores an answer for the configured time; a failing store is logged and otherwise ignored.</summary>
    public async ValueTask SetAsync(string key, CachedAnswer answer)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(answer, CacheJsonContext.Default.CachedAnswer);
        try
        {
            // Not the caller's token: an answer that is complete is worth storing even if the caller has gone.
            await _store.SetAsync(key, bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _lifetime }, CancellationToken.None).ConfigureAwait(false);
            Worked();
        }
        catch (Exception ex)
        {
            Failed(ex);
        }
    }

    private void Worked()
    {
        if (Volatile.Read(ref _unavailable) == 1 && Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            CacheLog.Recovered(_logger, Provider);
        }
    }

    private void Failed(Exception exception)
    {
        var reason = _redactor.Redact($"{exception.GetType().Name}: {exception.Message}");
        Volatile.Write(ref _lastError, reason);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            CacheLog.Unavailable(_logger, Provider, reason);
        }
    }
}
