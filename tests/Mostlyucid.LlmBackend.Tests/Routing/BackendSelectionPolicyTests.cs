using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Telemetry;

namespace Mostlyucid.LlmBackend.Tests.Routing;

public class BackendSelectionPolicyTests
{
    private static BackendEntry Entry(int index, string name, int priority = 100, int weight = 1) =>
        new(index, new LlmBackendConfig { Name = name, Priority = priority, Weight = weight }, new BackendMetrics(TimeProvider.System, new MonitoringSettings()), new BackendState(BackendStatus.Ready, null, null, null));

    private static string[] Names(List<BackendEntry> entries) => entries.Select(e => e.Name).ToArray();

    [Fact]
    public void Failover_OrdersByPriorityThenConfigurationOrder()
    {
        var list = new List<BackendEntry> { Entry(0, "c", 3), Entry(1, "a", 1), Entry(2, "b1", 2), Entry(3, "b2", 2) };

        new FailoverSelectionPolicy().Order(list);

        Assert.Equal(new[] { "a", "b1", "b2", "c" }, Names(list));
    }

    [Fact]
    public void RoundRobin_StartsOneFurtherEachTime_KeepingTheOthersAsFallbacks()
    {
        var policy = new RoundRobinSelectionPolicy();
        var entries = new[] { Entry(0, "a"), Entry(1, "b"), Entry(2, "c") };
        var orders = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var list = entries.ToList();
            policy.Order(list);
            orders.Add(string.Concat(Names(list)));
        }

        Assert.Equal(new[] { "abc", "bca", "cab", "abc" }, orders);
    }

    [Fact]
    public void LowestLatency_UnmeasuredFirst_ThenFastest()
    {
        var slow = Entry(0, "slow");
        var fast = Entry(1, "fast");
        var fresh = Entry(2, "fresh");
        slow.Metrics.RecordSuccess(900);
        fast.Metrics.RecordSuccess(40);
        var list = new List<BackendEntry> { slow, fast, fresh };

        new LowestLatencySelectionPolicy().Order(list);

        Assert.Equal(new[] { "fresh", "fast", "slow" }, Names(list));
    }

    [Fact]
    public void Random_IsAPermutationDrivenByTheInjectedRandom()
    {
        var entries = Enumerable.Range(0, 5).Select(i => Entry(i, ((char)('a' + i)).ToString())).ToArray();
        var first = entries.ToList();
        var second = entries.ToList();

        new RandomSelectionPolicy(new Random(42)).Order(first);
        new RandomSelectionPolicy(new Random(42)).Order(second);

        Assert.Equal(Names(first), Names(second));
        Assert.Equal("abcde", string.Concat(Names(first).Order()));
        Assert.NotEqual("abcde", string.Concat(Names(first)));
    }

    [Fact]
    public void Weighted_FirstChoiceFollowsTheWeights_AndZeroWeightIsLast()
    {
        var policy = new WeightedSelectionPolicy(new Random(7));
        var entries = new[] { Entry(0, "heavy", weight: 3), Entry(1, "light", weight: 1), Entry(2, "never-first", weight: 0) };
        var firsts = new Dictionary<string, int>();
        for (var i = 0; i < 8000; i++)
        {
            var list = entries.ToList();
            policy.Order(list);
            firsts[list[0].Name] = firsts.GetValueOrDefault(list[0].Name) + 1;
            Assert.Equal("never-first", list[^1].Name);
        }

        Assert.False(firsts.ContainsKey("never-first"));
        var ratio = (double)firsts["heavy"] / firsts["light"];
        Assert.InRange(ratio, 2.7, 3.3);
    }
}
