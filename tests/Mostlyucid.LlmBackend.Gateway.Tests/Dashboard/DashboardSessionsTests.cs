using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>The session store on a virtual clock: expiry, the key's removal or demotion, logout, and ids never kept.</summary>
public sealed class DashboardSessionsTests
{
    private const string AdminKey = "sessions-admin-key-0123456789";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Resolve_AFreshSession_IsTheAdminCaller()
    {
        var (sessions, keys) = Make();
        var id = sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops");

        var caller = sessions.Resolve(id, keys);

        Assert.NotNull(caller);
        Assert.Equal("ops", caller.KeyName);
        Assert.True(caller.IsAdmin);
    }

    [Fact]
    public void Resolve_AfterTheIdleTime_IsNull_ButUseKeepsItAlive()
    {
        var (sessions, keys) = Make();
        var id = sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops");

        _time.Advance(TimeSpan.FromMinutes(20));
        var used = sessions.Resolve(id, keys);
        _time.Advance(TimeSpan.FromMinutes(20));
        var stillAlive = sessions.Resolve(id, keys);
        _time.Advance(TimeSpan.FromMinutes(30));
        var idle = sessions.Resolve(id, keys);

        Assert.NotNull(used);
        Assert.NotNull(stillAlive);
        Assert.Null(idle);
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void Resolve_AfterTheLifetime_IsNull_HoweverOftenUsed()
    {
        var (sessions, keys) = Make();
        var id = sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops");
        for (var i = 0; i < 47; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(15));
            Assert.NotNull(sessions.Resolve(id, keys));
        }

        _time.Advance(TimeSpan.FromMinutes(15));

        Assert.Null(sessions.Resolve(id, keys));
    }

    [Fact]
    public void Resolve_WhenTheKeyIsRemoved_IsNull_AndTheSessionIsGone()
    {
        var (sessions, keys) = Make();
        var id = sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops");
        var reloaded = Keys(("other", "sessions-other-key-0123456789", GatewayKeyRole.Admin));

        Assert.Null(sessions.Resolve(id, reloaded));
        Assert.Null(sessions.Resolve(id, keys));
    }

    [Fact]
    public void Resolve_WhenTheKeyLosesItsAdminRole_IsNull()
    {
        var (sessions, _) = Make();
        var id = sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops");

        Assert.Null(sessions.Resolve(id, Keys(("ops", AdminKey, GatewayKeyRole.Client))));
    }

    [Fact]
    public void End_EndsTheSession()
    {
        var (sessions, keys) = Make();
        var id = sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops");

        sessions.End(id);

        Assert.Null(sessions.Resolve(id, keys));
    }

    [Fact]
    public void Create_GivesDistinct256BitIds_AndKeepsOnlyTheirHashes()
    {
        var (sessions, keys) = Make();
        var ids = Enumerable.Range(0, 100).Select(_ => sessions.Create(GatewayApiKeys.HashOf(AdminKey), "ops")).ToList();

        Assert.Equal(100, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(43, id.Length));

        // What is kept is a hash: presenting a stored value (the id's SHA-256) is not a session.
        var hashOfId = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ids[0])));
        Assert.Null(sessions.Resolve(hashOfId, keys));
        var stored = typeof(DashboardSessions).GetField("_sessions", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(sessions)!;
        var storedKeys = ((System.Collections.IDictionary)stored).Keys.Cast<string>().ToList();
        Assert.DoesNotContain(ids[0], storedKeys);
        Assert.Contains(hashOfId, storedKeys);
    }

    private (DashboardSessions Sessions, GatewayApiKeys Keys) Make() =>
        (new DashboardSessions(new GatewayDashboardSettings { SessionIdleMinutes = 30, SessionLifetimeHours = 12 }, _time), Keys(("ops", AdminKey, GatewayKeyRole.Admin)));

    private static GatewayApiKeys Keys(params (string Name, string Key, GatewayKeyRole Role)[] keys)
    {
        var settings = new GatewaySettings();
        foreach (var (name, key, role) in keys)
        {
            settings.ApiKeys.Add(new GatewayApiKeyConfig { Name = name, Key = key, Role = role });
        }

        return new GatewayApiKeys(settings);
    }
}
