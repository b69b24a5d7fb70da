using System.ComponentModel;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Cli.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary><c>llmb models</c>: the names a request's model may be — routes, backends, configured models — and where each goes.</summary>
internal sealed class ModelsCommand : TargetCommand<ModelsCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandOption("--json")]
        [Description("Print JSON instead of a table.")]
        public bool Json { get; init; }
    }

    protected override async Task<int> RunAsync(ILlmbTarget target, Settings settings, CancellationToken cancellationToken)
    {
        var models = await target.ModelsAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Console.Out.WriteLine(new JsonArray(models.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name, ["kind"] = m.Kind, ["backends"] = new JsonArray(m.Backends.Select(b => (JsonNode)JsonValue.Create(b)!).ToArray()),
            }).ToArray()).ToJsonString());
            return 0;
        }

        var table = new Table().AddColumns("Name", "Kind", "Backends");
        foreach (var model in models)
        {
            table.AddRow(Markup.Escape(model.Name), Markup.Escape(model.Kind), Markup.Escape(string.Join(", ", model.Backends)));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
