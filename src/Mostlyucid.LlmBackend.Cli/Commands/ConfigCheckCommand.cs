using System.ComponentModel;
using System.Globalization;
using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary>
/// <c>llmb config check [FILE]</c>: validates a configuration as the library does at start (every problem listed at
/// once, exit code 2), then explains it: each backend's state and limits, and for each route which backends it tries, in
/// which order, with which limits.
/// </summary>
internal sealed class ConfigCheckCommand : AsyncCommand<ConfigCheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("The configuration file (appsettings.json style, with an LlmSettings section). Default: ./appsettings.json.")]
        public string? File { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Log the library's warnings and information to standard error.")]
        public bool Verbose { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var file = settings.File ?? "appsettings.json";
        LocalTarget target;
        try
        {
            target = await LocalTarget.StartAsync(file, settings.Verbose, cancellationToken).ConfigureAwait(false);
        }
        catch (LlmConfigurationException problems)
        {
            return Console2.Problems(problems);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or FormatException)
        {
            return Console2.Fail($"{file}: {ex.Message}", Console2.BadConfiguration);
        }

        await using (target.ConfigureAwait(false))
        {
            var registry = target.Registry;
            var settingsRead = registry.Settings;
            var failed = registry.Entries.Where(e => e.State.Status is BackendStatus.Failed or BackendStatus.WaitingForPlugin).ToList();
            AnsiConsole.MarkupLine(failed.Count == 0
                ? $"[green]✓[/] {Markup.Escape(file)}: valid — {registry.Entries.Count} backend(s), {settingsRead.Routes.Count} route(s)."
                : $"[yellow]![/] {Markup.Escape(file)}: valid, but {failed.Count} backend(s) cannot be used (below).");

            var backends = new Table().Title("Backends").AddColumns("Backend", "Type", "Model", "Priority", "State", "Time limits", "Retries", "Budget");
            var resilience = settingsRead.Resilience;
            foreach (var entry in registry.Entries.OrderBy(e => e.Config.Priority))
            {
                var c = entry.Config;
                var state = entry.State.Status switch
                {
                    BackendStatus.Ready => "[green]ready[/]",
                    BackendStatus.Disabled => "[grey]disabled[/]",
                    _ => $"[red]{Markup.Escape(entry.State.Status.ToString())}: {Markup.Escape(entry.State.Reason ?? string.Empty)}[/]",
                };
                var limits = $"attempt {c.TimeoutSeconds ?? settingsRead.TimeoutSeconds} s, first token {c.FirstTokenTimeoutSeconds ?? resilience.FirstTokenTimeoutSeconds} s, idle {c.IdleTimeoutSeconds ?? resilience.IdleTimeoutSeconds} s";
                backends.AddRow(
                    Markup.Escape(c.Name),
                    Markup.Escape(c.EffectiveBackendType),
                    Markup.Escape(c.ModelName ?? "—"),
                    c.Priority.ToString(CultureInfo.InvariantCulture),
                    state,
                    Markup.Escape(limits),
                    (c.MaxRetries ?? resilience.MaxRetries).ToString(CultureInfo.InvariantCulture),
                    c.MaxSpendUsd is { } spend ? Markup.Escape($"${spend.ToString(CultureInfo.InvariantCulture)} {c.SpendResetPeriod}") : "—");
            }

            AnsiConsole.Write(backends);
            var router = (BackendRouter)target.Services.GetService(typeof(BackendRouter))!;
            foreach (var route in settingsRead.Routes)
            {
                Explain(router, route.Name, $"route [bold]{Markup.Escape(route.Name)}[/] ({route.SelectionStrategy ?? settingsRead.SelectionStrategy})", route.MaxSpendUsd);
            }

            Explain(router, null, $"no model named (the default routing, {settingsRead.SelectionStrategy})", null);
            AnsiConsole.MarkupLine(
                $"[grey]Every request: deadline {resilience.RequestDeadlineSeconds} s; retries back off from {resilience.RetryBaseDelayMs} ms and honour Retry-After up to {resilience.MaxRetryAfterSeconds} s; " +
                $"a circuit opens at {resilience.CircuitBreaker.FailureRatio.ToString(CultureInfo.InvariantCulture)} failures over {resilience.CircuitBreaker.SamplingWindowSeconds} s (or {resilience.CircuitBreaker.ConsecutiveFailures} in a row) and rests {resilience.CircuitBreaker.BreakSeconds} s; " +
                $"streams are hedged {(resilience.FirstTokenHedging.Enabled ? "after a slow first token" : "never")} and continued {(resilience.ContinueBrokenStreams ? resilience.ReplayBrokenStreams ? "by prefill or replay" : "by prefill" : "never")}.[/]");
            return failed.Count == 0 ? 0 : Console2.Failed;
        }
    }

    private static void Explain(BackendRouter router, string? model, string title, decimal? budget)
    {
        var plan = router.Plan(null, model);
        if (plan.Error is { } error)
        {
            AnsiConsole.MarkupLine($"{title}: [red]{Markup.Escape(error.Message)}[/]");
            return;
        }

        var order = string.Join(" → ", plan.Backends.Select(b => b.Name));
        var spend = budget is { } dollars ? $" (budget ${dollars.ToString(CultureInfo.InvariantCulture)})" : string.Empty;
        AnsiConsole.MarkupLine($"{title}{Markup.Escape(spend)}: tries {Markup.Escape(order)}");
    }
}
