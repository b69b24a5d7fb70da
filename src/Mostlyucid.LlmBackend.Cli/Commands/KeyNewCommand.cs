using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary>
/// <c>llmb key new</c>: a new gateway key (256 random bits) and its SHA-256, which is what the gateway's configuration
/// keeps (<c>Gateway:ApiKeys[].KeySha256</c>) — the key itself is shown once and stored nowhere.
/// </summary>
internal sealed class KeyNewCommand : Command<KeyNewCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-n|--name <NAME>")]
        [Description("The key's name in the configuration (default: new-key).")]
        public string Name { get; init; } = "new-key";

        [CommandOption("--json")]
        [Description("Print JSON: key, sha256, and the configuration entry.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var key = "llmb-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var entry = new JsonObject { ["Name"] = settings.Name, ["KeySha256"] = sha256 };
        if (settings.Json)
        {
            Console.Out.WriteLine(new JsonObject { ["key"] = key, ["sha256"] = sha256, ["configuration"] = entry }.ToJsonString());
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]Key[/] (give it to the caller; it is shown once and kept nowhere):\n  {Markup.Escape(key)}");
        AnsiConsole.MarkupLine($"[bold]SHA-256[/] (for the gateway's configuration):\n  {sha256}");
        AnsiConsole.MarkupLine("[bold]Add to Gateway:ApiKeys[/]:");
        Console.Out.WriteLine("  " + entry.ToJsonString());
        return 0;
    }
}
