using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Caching;

/// <summary>The original library's <c>Caching</c> section binds, and its problems stop startup, all at once, naming the key.</summary>
public sealed class CachingConfigurationTests
{
    private static IReadOnlyList<string> ProblemsOf(string cachingJson, string redisJson = "{}")
    {
        using var host = LlmTestHost.FromJson($$"""
            { "LlmSettings": {
                "Backends": [ { "Name": "a", "Type": "{{TestPlugin.BackendType}}" } ],
                "Caching": {{cachingJson}},
                "Redis": {{redisJson}} } }
            """);
        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());
        return error.Problems;
    }

    [Fact]
    public void OriginalSection_Binds()
    {
        using var host = LlmTestHost.FromJson($$"""
            { "LlmSettings": {
                "Backends": [ { "Name": "a", "Type": "{{TestPlugin.BackendType}}" } ],
                "Caching": { "Enabled": true, "Provider": "Memory", "ExpirationMinutes": 5, "MaxCacheSizeMb": 16, "KeyPrefix": "app:" } } }
            """);

        host.Llm.GetBackends();
        var settings = host.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<LlmSettings>)) as Microsoft.Extensions.Options.IOptions<LlmSettings>;
        Assert.Equal(5, settings!.Value.Caching.ExpirationMinutes);
        Assert.Equal(16, settings.Value.Caching.MaxCacheSizeMb);
        Assert.Equal("app:", settings.Value.Caching.KeyPrefix);
    }

    [Fact]
    public void SqlServer_IsRefused_SayingWhatToUse()
    {
        var problem = Assert.Single(ProblemsOf("""{ "Provider": "SqlServer" }"""));
        Assert.StartsWith("LlmSettings:Caching:Provider: SqlServer is not supported", problem, StringComparison.Ordinal);
        Assert.Contains("Use Memory", problem, StringComparison.Ordinal);
        Assert.Contains("Redis", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryProblem_IsListedAtOnce_NamingItsKey()
    {
        var problems = ProblemsOf("""{ "Provider": "Redis", "ExpirationMinutes": 0, "MaxCacheSizeMb": -1, "Scope": "Team" }""", """{ "TimeoutMs": 0 }""");

        Assert.Contains(problems, p => p.StartsWith("LlmSettings:Caching:Scope", StringComparison.Ordinal));
        Assert.Contains("LlmSettings:Caching:ExpirationMinutes must be greater than 0 (found 0).", problems);
        Assert.Contains("LlmSettings:Caching:MaxCacheSizeMb must be greater than 0 (found -1).", problems);
        Assert.Contains("LlmSettings:Redis:TimeoutMs must be greater than 0 (found 0).", problems);
        Assert.Contains(problems, p => p.StartsWith("LlmSettings:Caching:Provider is Redis, but LlmSettings:Redis:ConnectionString is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownProvider_SuggestsTheNearestName()
    {
        var problem = Assert.Single(ProblemsOf("""{ "Provider": "Rediss" }"""));
        Assert.Contains("'Rediss' is not a cache provider", problem, StringComparison.Ordinal);
        Assert.Contains("Redis", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisConnectionString_WithoutTheRedisPackage_SaysWhatToAdd_WithoutRepeatingIt()
    {
        var problem = Assert.Single(ProblemsOf("""{ "Provider": "Memory" }""", """{ "ConnectionString": "127.0.0.1:1,password=hunter2-is-secret" }"""));
        Assert.Contains("AddLlmBackendRedis", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }
}
