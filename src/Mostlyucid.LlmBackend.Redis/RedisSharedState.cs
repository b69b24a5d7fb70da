using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using StackExchange.Redis;

namespace Mostlyucid.LlmBackend.Redis;

/// <summary>
/// One StackExchange.Redis connection for the process, shared by the response cache (through
/// <see cref="RedisCache"/>, the standard <see cref="IDistributedCache"/>), the key limits (<see cref="RedisWindowCounter"/>)
/// and the budget spend counters (<see cref="RedisSpendCounter"/>).
/// It never waits for an unreachable server: it connects in the background, commands fail fast while disconnected
/// (no backlog), each command times out after <c>Redis:TimeoutMs</c>, and the client reconnects by itself.
/// </summary>
internal sealed class RedisSharedState : ISharedState, IAsyncDisposable, IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisWindowCounter _counter;
    private readonly RedisSpendCounter _spend;
    private readonly Func<string, string> _redact;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly string _limitsDo;
    private string? _lastError;
    private int _down;

    private RedisSharedState(ConnectionMultiplexer connection, RedisSettings settings, Func<string, string> redact, ILogger logger, string server)
    {
        _connection = connection;
        _redact = redact;
        _logger = logger;
        _server = server;
        _limitsDo = settings.LimitsWhenUnavailable == SharedLimitFailure.Allow ? "count in each instance alone" : "refuse limited keys";
        _counter = new RedisWindowCounter(connection, settings.KeyPrefix);
        _spend = new RedisSpendCounter(connection, settings.KeyPrefix);
        Cache = new RedisCache(new RedisCacheOptions
        {
            ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection),
        });
        connection.ConnectionFailed += OnFailed;
        connection.ConnectionRestored += OnRestored;
        if (!connection.IsConnected)
        {
            Down("not connected yet");
        }
    }

    public string Name => "Redis";

    public IDistributedCache Cache { get; }

    public bool Available => _connection.IsConnected;

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Connects (waiting at most the connect timeout; an unreachable server is not an error, it is retried in the background).</summary>
    public static RedisSharedState Connect(RedisSettings settings, Func<string, string> redact, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(settings.ConnectionString!.Trim());
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Max(settings.TimeoutMs, 1000);
        options.SyncTimeout = settings.TimeoutMs;
        options.AsyncTimeout = settings.TimeoutMs;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName ??= "llmb";
        var server = string.Join(", ", options.EndPoints.Select(e => e.ToString()));
        RedisLog.Connecting(logger, server);
        var connection = ConnectionMultiplexer.Connect(options);
        return new RedisSharedState(connection, settings, redact, logger, server);
    }

    public ValueTask<SharedCount> TryAddAsync(string key, long amount, long limit, TimeSpan window, CancellationToken cancellationToken = default) =>
        CallAsync(_counter.TryAddAsync(key, amount, limit, window), cancellationToken);

    public ValueTask<decimal> AddSpendAsync(string key, decimal amountUsd, decimal floorUsd, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        CallAsync(_spend.AddAsync(key, amountUsd, floorUsd, expiresAt), cancellationToken);

    public Task<IDisposable> WatchSpendAsync(Action<string, decimal> onTotal, CancellationToken cancellationToken = default) =>
        _spend.WatchAsync(onTotal).WaitAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _connection.ConnectionFailed -= OnFailed;
        _connection.ConnectionRestored -= OnRestored;
        ((IDisposable)Cache).Dispose();
        _connection.Dispose();
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) => Down($"{e.FailureType}: {e.Exception?.Message}");

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) => Up();

    /// <summary>Awaits a command (or the caller's cancellation): a success says the server is up, a failure that it is down.</summary>
    private async ValueTask<T> CallAsync<T>(Task<T> command, CancellationToken cancellationToken)
    {
        try
        {
            var result = await command.WaitAsync(cancellationToken).ConfigureAwait(false);
            Up();
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw Unavailable(ex);
        }
    }

    private SharedStateUnavailableException Unavailable(Exception ex) =>
        new($"Redis ({_server}) is unreachable: {Down($"{ex.GetType().Name}: {ex.Message}")}");

    private string Down(string reason)
    {
        var redacted = _redact(reason);
        Volatile.Write(ref _lastError, redacted);
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            RedisLog.Unreachable(_logger, _server, _limitsDo, redacted);
        }

        return redacted;
    }

    private void Up()
    {
        if (Volatile.Read(ref _down) == 1 && _connection.IsConnected && Interlocked.Exchange(ref _down, 0) == 1)
        {
            RedisLog.Restored(_logger, _server);
        }
    }
}
