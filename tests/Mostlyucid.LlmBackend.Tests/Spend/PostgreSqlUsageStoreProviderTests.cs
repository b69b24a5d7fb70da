using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.PostgreSql;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Tests.Spend;

/// <summary>
/// <c>LlmSettings:Usage:Store</c> = <c>PostgreSql</c>: registered by <c>AddLlmBackendPostgreSql()</c>, picked whatever the
/// name's case, and a missing or unreadable connection string is a problem that names the setting but never repeats the
/// value (it may hold the password).
/// </summary>
public sealed class PostgreSqlUsageStoreProviderTests
{
    private const string Setting = "LlmSettings:Usage:ConnectionString";

    private readonly PostgreSqlUsageStoreProvider _provider = new();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_WithoutConnectionString_NamesTheSettingAndGivesAnExample(string? connectionString)
    {
        var problem = Assert.Single(_provider.Validate(new UsageSettings { Store = "PostgreSql", ConnectionString = connectionString }));

        Assert.Contains(Setting, problem, StringComparison.Ordinal);
        Assert.Contains("Host=127.0.0.1;Port=5432;Database=llmb;Username=llmb;Password=${LLMB_PG_PASSWORD}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Password=hunter2-secret;Port=not-a-port", "hunter2-secret")]
    [InlineData("Host=db;Password=hunter2;secret=part;Username=llmb", "secret")]
    [InlineData("Host=db;Passwrd=hunter2-secret", "hunter2-secret")]
    [InlineData("Host=db;Password=\"hunter2-secret", "hunter2-secret")]
    [InlineData("hunter2-secret", "hunter2-secret")]
    public void Validate_MalformedConnectionString_NamesTheSettingButNeverShowsThePassword(string connectionString, string secret)
    {
        var problem = Assert.Single(_provider.Validate(new UsageSettings { Store = "PostgreSql", ConnectionString = connectionString }));

        Assert.Contains(Setting, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, problem, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Validate_WithoutHost_SaysWhichServerIsMissing()
    {
        var problem = Assert.Single(_provider.Validate(new UsageSettings { Store = "PostgreSql", ConnectionString = "Database=llmb;Username=llmb;Password=hunter2" }));

        Assert.Contains(Setting, problem, StringComparison.Ordinal);
        Assert.Contains("Host", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UsableConnectionString_HasNoProblems()
    {
        Assert.Empty(_provider.Validate(new UsageSettings { Store = "PostgreSql", ConnectionString = " Host=127.0.0.1;Port=5432;Database=llmb;Username=llmb;Password=hunter2 " }));
    }

    [Fact]
    public void Create_WithoutConnectionString_FailsWithTheSameProblem()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _provider.Create(new UsageSettings { Store = "PostgreSql" }, AppContext.BaseDirectory));

        Assert.Contains(Setting, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PostgreSql")]
    [InlineData("postgresql")]
    [InlineData(" POSTGRESQL ")]
    public void UsageStores_PickThePostgreSqlProvider_WhateverTheCase(string store)
    {
        var problem = Assert.Single(UsageStores.Validate(new UsageSettings { Store = store }, [_provider]));

        Assert.Contains(Setting, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmBackendPostgreSql_RegistersTheProviderOnce()
    {
        var services = new ServiceCollection().AddLlmBackendPostgreSql().AddLlmBackendPostgreSql();

        using var provider = services.BuildServiceProvider();

        Assert.Equal("PostgreSql", Assert.Single(provider.GetServices<IUsageStoreProvider>()).Name);
    }
}
