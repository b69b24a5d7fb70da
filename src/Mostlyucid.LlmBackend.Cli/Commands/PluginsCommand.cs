using System.ComponentModel;
using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Wasm.Backend;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Json;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary>
/// <c>llmb plugins</c>: the .NET plugins loaded (and those that failed, with why), and each WebAssembly or native plugin
/// backend with its file, capabilities and — with <c>--schema</c> — the configuration schema the plugin declares.
/// </summary>
internal sealed class PluginsCommand : TargetCommand<PluginsCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandOption("--schema")]
        [Description("Also print each WebAssembly / native plugin's configuration schema (its config_schema export).")]
        public bool Schema { get; init; }
    }

    protected override Task<int> RunAsync(ILlmbTarget target, Settings settings, CancellationToken cancellationToken)
    {
        if (target is not LocalTarget local)
        {
            return Task.FromResult(Console2.Fail("The gateway does not list its plugins over HTTP: run llmb plugins with --config on the gateway's configuration file.", Console2.BadConfiguration));
        }

        var (loaded, failed) = local.Plugins();
        var dotnet = new Table().Title(".NET plugins").AddColumns("Plugin", "Version", "Backend types", "From");
        foreach (var plugin in loaded)
        {
            dotnet.AddRow(Markup.Escape($"{plugin.PluginName} ({plugin.PluginId})"), Markup.Escape(plugin.Version), Markup.Escape(string.Join(", ", plugin.BackendTypes)), Markup.Escape(plugin.Source));
        }

        AnsiConsole.Write(dotnet);
        foreach (var failure in failed)
        {
            AnsiConsole.MarkupLine($"[red]not loaded:[/] {Markup.Escape(failure.Source)} — {Markup.Escape(failure.Reason)}");
        }

        var sandboxed = local.Registry.Entries.Where(e => e.State.Backend is PluginBackend).ToList();
        var wasm = new Table().Title("WebAssembly and native plugin backends").AddColumns("Backend", "Type", "Plugin", "Streams", "Embeds", "Config schema");
        foreach (var entry in sandboxed)
        {
            var plugin = ((PluginBackend)entry.State.Backend!).Plugin;
            wasm.AddRow(
                Markup.Escape(entry.Name),
                Markup.Escape(entry.Config.EffectiveBackendType),
                Markup.Escape(plugin.Name),
                plugin.CanStream ? "yes" : "no",
                plugin.CanEmbed ? "yes" : "no",
                plugin.Schema.Text is null ? "none" : "declared");
        }

        if (sandboxed.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]No WebAssembly or native plugin backends are configured.[/]");
            return Task.FromResult(0);
        }

        AnsiConsole.Write(wasm);
        if (settings.Schema)
        {
            foreach (var entry in sandboxed)
            {
                var schema = ((PluginBackend)entry.State.Backend!).Plugin.Schema.Text;
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(entry.Name)}[/] config schema:");
                if (schema is null)
                {
                    AnsiConsole.MarkupLine("[grey]  (the plugin declares none)[/]");
                }
                else
                {
                    AnsiConsole.Write(new JsonText(schema));
                    AnsiConsole.WriteLine();
                }
            }
        }

        return Task.FromResult(0);
    }
}
