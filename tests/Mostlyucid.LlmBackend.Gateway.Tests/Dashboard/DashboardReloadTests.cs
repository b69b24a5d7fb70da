using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Tests.Reload;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>The dashboard's settings are read at startup: a reload that changes them says a restart is needed.</summary>
public sealed class DashboardReloadTests
{
    [Fact]
    public async Task Reload_ChangingTheDashboardSettings_IsListedAsNeedingARestart()
    {
        await using var gateway = await ReloadingGateway.StartAsync(ReloadingGateway.Settings());
        var changed = ReloadingGateway.Settings();
        changed["Gateway"]!["Dashboard"] = new JsonObject { ["JournalCapacity"] = 50 };

        await gateway.SaveAsync(changed);

        await ReloadingGateway.EventuallyAsync(
            async () => (await gateway.StatusAsync()).Body?["last_success"]?["restart_needed"]?.AsArray().Any(n => n!.GetValue<string>() == "Gateway:Dashboard") == true,
            "the reload lists Gateway:Dashboard as needing a restart");
    }
}
