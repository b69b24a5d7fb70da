using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary><c>llmb usage</c>: spend and tokens from the usage ledger, grouped, as a table and a bar chart of cost.</summary>
internal sealed class UsageCommand : TargetCommand<UsageCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandOption("-b|--by <GROUP>")]
        [Description("key, route, backend, model or day (default: key).")]
        public string By { get; init; } = "key";

        [CommandOption("-d|--days <N>")]
        [Description("How many days back (default: 30).")]
        public int Days { get; init; } = 30;

        [CommandOption("--json")]
        [Description("Print JSON instead of a table and chart.")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (Grouping(By) is null)
            {
                return ValidationResult.Error($"--by must be key, route, backend, model or day (not '{By}').");
            }

            return Days <= 0 ? ValidationResult.Error($"--days must be 1 or more (not {Days}).") : base.Validate();
        }
    }

    public static UsageGrouping? Grouping(string by) => by.ToLowerInvariant() switch
    {
        "key" or "caller" => UsageGrouping.Caller,
        "route" => UsageGrouping.Route,
        "backend" => UsageGrouping.Backend,
        "model" => UsageGrouping.Model,
        "day" => UsageGrouping.Day,
        _ => null,
    };

    protected override async Task<int> RunAsync(ILlmbTarget target, Settings settings, CancellationToken cancellationToken)
    {
        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        var from = to.AddDays(-settings.Days);
        var totals = await target.UsageAsync(Grouping(settings.By)!.Value, from, to, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Console.Out.WriteLine(new JsonObject
            {
                ["group_by"] = settings.By.ToLowerInvariant(),
                ["from"] = from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["to"] = to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["totals"] = new JsonArray(totals.Select(t => (JsonNode)new JsonObject
                {
                    ["key"] = t.Key, ["requests"] = t.Requests, ["failed"] = t.Failed, ["prompt_tokens"] = t.PromptTokens,
                    ["completion_tokens"] = t.CompletionTokens, ["cost_usd"] = t.CostUsd, ["unpriced_requests"] = t.UnpricedRequests,
                }).ToArray()),
            }.ToJsonString());
            return 0;
        }

        if (totals.Count == 0)
        {
            AnsiConsole.MarkupLine($"[grey]No usage recorded in the last {settings.Days} day(s) ({Markup.Escape(target.Description)}).[/]");
            return 0;
        }

        var table = new Table().AddColumns(settings.By, "Requests", "Failed", "Prompt tokens", "Completion tokens", "Cost (USD)");
        foreach (var t in totals)
        {
            table.AddRow(
                Markup.Escape(t.Key),
                t.Requests.ToString("N0", CultureInfo.InvariantCulture),
                t.Failed.ToString("N0", CultureInfo.InvariantCulture),
                t.PromptTokens.ToString("N0", CultureInfo.InvariantCulture),
                t.CompletionTokens.ToString("N0", CultureInfo.InvariantCulture),
                t.CostUsd.ToString("0.######", CultureInfo.InvariantCulture) + (t.UnpricedRequests > 0 ? $" (+{t.UnpricedRequests} unpriced)" : string.Empty));
        }

        AnsiConsole.Write(table);
        var chart = new BarChart().Label($"Cost by {settings.By}, last {settings.Days} day(s)").Width(60);
        foreach (var t in totals.Take(20))
        {
            chart.AddItem(t.Key, (double)t.CostUsd, Color.Green);
        }

        AnsiConsole.Write(chart);
        return 0;
    }
}
