using System.Globalization;
using StackExchange.Redis;

namespace Mostlyucid.LlmBackend.Redis;

/// <summary>
/// Budget spend counters on Redis, in front of the usage ledger: one Lua script per call raises a counter to the floor
/// the caller gives (what the usage store says was spent — so a counter Redis lost starts from the store again, not
/// from 0), adds the amount, renews the expiry and publishes the new total, as one atomic step for every instance.
/// Money is whole nano-dollars in a Redis integer (<c>INCRBY</c>), the unit the SQL usage stores keep: sums are exact,
/// which <c>INCRBYFLOAT</c>'s binary floating point would not be, and a 64-bit integer holds $9.2 billion a period.
/// The script compares and returns totals as strings: Lua's numbers are doubles, exact only to 2^53 nano-dollars.
/// </summary>
internal sealed class RedisSpendCounter
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    // KEYS[1] the counter; ARGV[1] the amount and ARGV[2] the floor (whole nano-dollars, non-negative, no leading zeros),
    // ARGV[3] when it expires (Unix ms), ARGV[4] the channel, ARGV[5] the counter's name in messages.
    // Publishes '<total>:<name>' when the counter changed; returns the total as a string.
    private const string Script = """
        local function below(a, b)
          if #a ~= #b then return #a < #b end
          return a < b
        end
        local total = redis.call('GET', KEYS[1])
        local changed = false
        if (not total) or below(total, ARGV[2]) then
          redis.call('SET', KEYS[1], ARGV[2])
          total = ARGV[2]
          changed = true
        end
        if ARGV[1] ~= '0' then
          redis.call('INCRBY', KEYS[1], ARGV[1])
          total = redis.call('GET', KEYS[1])
          changed = true
        end
        redis.call('PEXPIREAT', KEYS[1], ARGV[3])
        if changed then
          redis.call('PUBLISH', ARGV[4], total .. ':' .. ARGV[5])
        end
        return total
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;
    private readonly string _channelName;
    private readonly RedisChannel _channel;

    public RedisSpendCounter(IConnectionMultiplexer connection, string prefix)
    {
        _connection = connection;
        _prefix = prefix + "spend:";
        _channelName = prefix + "spend";
        _channel = RedisChannel.Literal(_channelName);
    }

    public async Task<decimal> AddAsync(string key, decimal amountUsd, decimal floorUsd, DateTimeOffset expiresAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        ArgumentOutOfRangeException.ThrowIfNegative(floorUsd);
        var result = await _connection.GetDatabase().ScriptEvaluateAsync(
            Script,
            new RedisKey[] { _prefix + key },
            new RedisValue[] { Nanos(amountUsd), Nanos(floorUsd), expiresAt.ToUnixTimeMilliseconds(), _channelName, key }).ConfigureAwait(false);
        return Dollars((string?)result);
    }

    /// <summary>Subscribes <paramref name="onTotal"/> to every counter's new totals.</summary>
    public async Task<IDisposable> WatchAsync(Action<string, decimal> onTotal)
    {
        var subscriber = _connection.GetSubscriber();
        void Handler(RedisChannel channel, RedisValue message)
        {
            if (TryRead(message, out var key, out var total))
            {
                onTotal(key, total);
            }
        }

        var subscription = new Subscription(subscriber, _channel, Handler);
        try
        {
            await subscriber.SubscribeAsync(_channel, Handler).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // The client records the subscription before it asks the server, and subscribes again after every reconnect:
            // one made while the server is unreachable delivers once it is back.
        }

        return subscription;
    }

    /// <summary>Dollars as whole nano-dollars, rounded half away from zero as the SQL usage stores round them.</summary>
    internal static long Nanos(decimal dollars) => (long)decimal.Round(dollars * NanosPerDollar, MidpointRounding.AwayFromZero);

    /// <summary>Reads a published <c>&lt;total&gt;:&lt;name&gt;</c>.</summary>
    internal static bool TryRead(string? message, out string key, out decimal total)
    {
        key = string.Empty;
        total = 0m;
        var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0 || !long.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var nanos))
        {
            return false;
        }

        key = message![(colon + 1)..];
        total = nanos / NanosPerDollar;
        return true;
    }

    private static decimal Dollars(string? nanos) =>
        long.Parse(nanos ?? throw new RedisException("The spend script returned no total."), NumberStyles.None, CultureInfo.InvariantCulture) / NanosPerDollar;

    private sealed class Subscription(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                try
                {
                    subscriber.Unsubscribe(channel, handler, CommandFlags.FireAndForget);
                }
                catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
                {
                    // Disconnected or closing: the subscription goes with the connection.
                }
            }
        }
    }
}
