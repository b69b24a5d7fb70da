using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Cli.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary><c>llmb backends</c>: each backend's type, state, health (its circuit breaker), latency and last error.</summary>
internal sealed class BackendsCommand : TargetCommand<BackendsCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandOption("--json")]
        [Description("Print JSON instead of a table.")]
        public bool Json { get; init; }

        [CommandOption("-a|--all")]
        [Description("Also list disabled backends (the built-in defaults whose API key is not set, for example).")]
        public bool All { get; init; }
    }

    protected override async Task<int> RunAsync(ILlmbTarget target, Settings settings, CancellationToken cancellationToken)
    {
        var everyBackend = await target.BackendsAsync(cancellationToken).ConfigureAwait(false);
        var backends = settings.All ? everyBackend : everyBackend.Where(b => b.Status != "Disabled").ToList();
        if (settings.Json)
        {
            Console.Out.WriteLine(new JsonArray(backends.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Name, ["type"] = b.Type, ["status"] = b.Status, ["health"] = b.Health, ["circuit"] = b.Circuit,
                ["latency_p50_ms"] = b.LatencyP50Ms, ["last_error"] = b.LastError,
            }).ToArray()).ToJsonString());
            return 0;
        }

        var table = new Table().AddColumns("Backend", "Type", "Status", "Health", "Breaker", "Latency p50", "Last error");
        foreach (var b in backends)
        {
            var health = b.Health == "healthy" ? "[green]healthy[/]" : b.Health == "unhealthy" ? "[red]unhealthy[/]" : Markup.Escape(b.Health);
            table.AddRow(
                Markup.Escape(b.Name),
                Markup.Escape(b.Type),
                Markup.Escape(b.Status),
                health,
                Markup.Escape(b.Circuit),
                b.LatencyP50Ms is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms" : "—",
                Markup.Escape(b.LastError is { Length: > 80 } cut ? cut[..80] + "…" : b.LastError ?? string.Empty));
        }

        AnsiConsole.Write(table);
        if (backends.Count < everyBackend.Count)
        {
            AnsiConsole.MarkupLine($"[grey]{everyBackend.Count - backends.Count} disabled backend(s) not shown; --all lists them.[/]");
        }

        return 0;
    }
}
