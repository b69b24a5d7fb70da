using Mostlyucid.LlmBackend.Models;
using StackExchange.Redis;

namespace Mostlyucid.LlmBackend.Redis;

/// <summary>
/// Fixed-window counters on Redis, one Lua script per call so the check and the increment are one atomic step for every
/// instance: the window starts at a counter's first addition (<c>PEXPIRE</c> on the key) and ends when the key expires —
/// the same windows as the gateway's in-memory counter, on the Redis server's clock. Within a window the limit is exact
/// across instances; like any fixed window, a caller can get up to twice the limit through in the 60 s around a turn.
/// </summary>
internal sealed class RedisWindowCounter
{
    // KEYS[1] the counter; ARGV[1] amount, ARGV[2] limit, ARGV[3] window in ms.
    // Returns { added (1|0), count, ms until the window turns }.
    private const string Script = """
        local count = tonumber(redis.call('GET', KEYS[1]) or '0')
        local limit = tonumber(ARGV[2])
        if count >= limit then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            ttl = tonumber(ARGV[3])
          end
          return { 0, count, ttl }
        end
        local amount = tonumber(ARGV[1])
        if amount > 0 then
          count = redis.call('INCRBY', KEYS[1], amount)
          if count == amount then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
          end
        end
        return { 1, count, redis.call('PTTL', KEYS[1]) }
        """;

    private readonly IConnectionMultiplexer _connection;
    private readonly string _prefix;

    public RedisWindowCounter(IConnectionMultiplexer connection, string prefix)
    {
        _connection = connection;
        _prefix = prefix;
    }

    public async Task<SharedCount> TryAddAsync(string key, long amount, long limit, TimeSpan window)
    {
        var result = (RedisResult[])(await _connection.GetDatabase().ScriptEvaluateAsync(
            Script,
            new RedisKey[] { _prefix + "limit:" + key },
            new RedisValue[] { amount, limit, (long)window.TotalMilliseconds }).ConfigureAwait(false))!;
        var added = (long)result[0] == 1;
        var count = (long)result[1];
        var ttl = (long)result[2];
        return new SharedCount(added, count, added ? null : TimeSpan.FromMilliseconds(Math.Max(ttl, 0)));
    }
}
