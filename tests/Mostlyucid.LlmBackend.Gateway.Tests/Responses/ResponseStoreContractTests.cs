using Mostlyucid.LlmBackend.Gateway.Responses.Storage;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Responses;

/// <summary>
/// What every response store must do, run against each one: keep a response and its items for the retention time and
/// not a moment longer, show them only to their owner, and forget them on delete.
/// </summary>
public abstract class ResponseStoreContractTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(2);

    private protected ManualClock Clock { get; } = new();

    private protected abstract IResponseStore CreateStore(TimeSpan retention);

    [Fact]
    public async Task Saved_IsFoundByItsOwner_WithItsItems()
    {
        var store = CreateStore(Retention);
        await store.SaveAsync(Response("resp_1", "alice", "msg_1"), CancellationToken.None);

        var found = await store.GetAsync("alice", "resp_1", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal("""{"id":"resp_1"}""", found.ResponseJson);
        Assert.Equal("[]", found.InputJson);
        Assert.Equal("""{"id":"msg_1","type":"message"}""", await store.FindItemAsync("alice", "msg_1", CancellationToken.None));
    }

    [Fact]
    public async Task AnotherOwner_FindsNothing()
    {
        var store = CreateStore(Retention);
        await store.SaveAsync(Response("resp_1", "alice", "msg_1"), CancellationToken.None);

        Assert.Null(await store.GetAsync("mallory", "resp_1", CancellationToken.None));
        Assert.Null(await store.FindItemAsync("mallory", "msg_1", CancellationToken.None));
        Assert.False(await store.DeleteAsync("mallory", "resp_1", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("alice", "resp_1", CancellationToken.None));
    }

    [Fact]
    public async Task PastRetention_IsGone()
    {
        var store = CreateStore(Retention);
        await store.SaveAsync(Response("resp_1", "alice", "msg_1"), CancellationToken.None);

        Clock.Advance(Retention - TimeSpan.FromMinutes(1));
        Assert.NotNull(await store.GetAsync("alice", "resp_1", CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await store.GetAsync("alice", "resp_1", CancellationToken.None));
        Assert.Null(await store.FindItemAsync("alice", "msg_1", CancellationToken.None));
    }

    [Fact]
    public async Task Deleted_TakesItsItemsWithIt()
    {
        var store = CreateStore(Retention);
        await store.SaveAsync(Response("resp_1", "alice", "msg_1"), CancellationToken.None);

        Assert.True(await store.DeleteAsync("alice", "resp_1", CancellationToken.None));

        Assert.Null(await store.GetAsync("alice", "resp_1", CancellationToken.None));
        Assert.Null(await store.FindItemAsync("alice", "msg_1", CancellationToken.None));
        Assert.False(await store.DeleteAsync("alice", "resp_1", CancellationToken.None));
    }

    private protected StoredResponse Response(string id, string owner, string itemId) =>
        new(id, owner, Clock.GetUtcNow(), $$"""{"id":"{{id}}"}""", "[]", new[] { new StoredItem(itemId, $$"""{"id":"{{itemId}}","type":"message"}""") });
}

/// <summary>The contract for the in-memory store, and its capacity.</summary>
public sealed class InMemoryResponseStoreTests : ResponseStoreContractTests
{
    [Fact]
    public async Task PastCapacity_TheOldestIsForgottenFirst()
    {
        var store = new InMemoryResponseStore(Clock, TimeSpan.FromHours(1), capacity: 2);
        foreach (var n in new[] { 1, 2, 3 })
        {
            await store.SaveAsync(Response($"resp_{n}", "alice", $"msg_{n}"), CancellationToken.None);
        }

        Assert.Null(await store.GetAsync("alice", "resp_1", CancellationToken.None));
        Assert.Null(await store.FindItemAsync("alice", "msg_1", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("alice", "resp_2", CancellationToken.None));
        Assert.NotNull(await store.GetAsync("alice", "resp_3", CancellationToken.None));
    }

    private protected override IResponseStore CreateStore(TimeSpan retention) => new InMemoryResponseStore(Clock, retention, capacity: 100);
}

/// <summary>The contract for the SQLite store, on a real file.</summary>
public sealed class SqliteResponseStoreTests : ResponseStoreContractTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "llmb-responses-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private protected override IResponseStore CreateStore(TimeSpan retention) => new SqliteResponseStore("ledger.db", _folder, Clock, retention);
}
