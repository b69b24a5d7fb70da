using System.ComponentModel;
using System.Text;
using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary>
/// <c>llmb chat</c>: an interactive conversation, streamed, with who answered and the cost after each turn. Slash
/// commands switch the model or system prompt; a line ending in <c>\</c> continues on the next line, and <c>"""</c> opens
/// and closes a block of several lines.
/// </summary>
internal sealed class ChatCommand : TargetCommand<ChatCommand.Settings>
{
    private const string Help =
        "/model NAME   switch route, backend or model (/model alone: the default routing)\n" +
        "/system TEXT  set the system prompt (/system alone: none)\n" +
        "/history      show the conversation so far\n" +
        "/clear        start a new conversation\n" +
        "/exit         leave (or Ctrl-D)\n" +
        "A line ending in \\ continues on the next line; \"\"\" opens and closes a block of lines.";

    public sealed class Settings : TargetSettings
    {
        [CommandOption("-m|--model <NAME>")]
        [Description("The route, backend or model to start with.")]
        public string? Model { get; init; }

        [CommandOption("-s|--system <TEXT>")]
        [Description("A system prompt to start with.")]
        public string? System { get; init; }
    }

    protected override async Task<int> RunAsync(ILlmbTarget target, Settings settings, CancellationToken cancellationToken)
    {
        var model = settings.Model;
        var system = settings.System;
        var history = new List<ChatMessage>();
        AnsiConsole.MarkupLine($"[bold]llmb chat[/] on {Markup.Escape(target.Description)} — /help for commands, /exit to leave.");
        while (!cancellationToken.IsCancellationRequested)
        {
            var input = ReadInput(model);
            if (input is null || input.Trim() is "/exit" or "/quit")
            {
                return 0;
            }

            var line = input.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('/'))
            {
                var (name, argument) = line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? (line[..space], line[(space + 1)..].Trim()) : (line, string.Empty);
                switch (name)
                {
                    case "/model":
                        model = argument.Length > 0 ? argument : null;
                        AnsiConsole.MarkupLine($"[grey]model: {Markup.Escape(model ?? "default routing")}[/]");
                        break;
                    case "/system":
                        system = argument.Length > 0 ? argument : null;
                        AnsiConsole.MarkupLine($"[grey]system prompt: {Markup.Escape(system ?? "none")}[/]");
                        break;
                    case "/history":
                        foreach (var message in history)
                        {
                            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(message.Role)}:[/] {Markup.Escape(message.Content)}");
                        }

                        break;
                    case "/clear":
                        history.Clear();
                        AnsiConsole.MarkupLine("[grey]new conversation[/]");
                        break;
                    case "/help":
                        AnsiConsole.WriteLine(Help);
                        break;
                    default:
                        AnsiConsole.MarkupLine($"[red]unknown command {Markup.Escape(name)}[/] — /help lists them.");
                        break;
                }

                continue;
            }

            var messages = new List<ChatMessage>();
            if (system is not null)
            {
                messages.Add(new ChatMessage { Role = ChatRole.System, Content = system });
            }

            messages.AddRange(history);
            messages.Add(new ChatMessage { Role = ChatRole.User, Content = input });
            var turn = await target.ChatAsync(messages, model, text => Console.Out.Write(text), cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine();
            Console2.Footer(turn);
            if (!turn.Success)
            {
                Console2.Fail(turn.Error!);
                continue;
            }

            history.Add(new ChatMessage { Role = ChatRole.User, Content = input });
            history.Add(new ChatMessage { Role = ChatRole.Assistant, Content = turn.Text });
        }

        return 0;
    }

    /// <summary>Reads one message: a line, lines joined by a trailing backslash, or a <c>"""</c> block; null at end of input.</summary>
    private static string? ReadInput(string? model)
    {
        AnsiConsole.Markup($"[green]you[/][grey]{(model is null ? string.Empty : " → " + Markup.Escape(model))}[/] › ");
        var first = Console.In.ReadLine();
        if (first is null)
        {
            return null;
        }

        var text = new StringBuilder();
        if (first.Trim() == "\"\"\"")
        {
            while (Console.In.ReadLine() is { } line && line.Trim() != "\"\"\"")
            {
                text.AppendLine(line);
            }

            return text.ToString().TrimEnd();
        }

        var current = first;
        while (current.EndsWith('\\'))
        {
            text.AppendLine(current[..^1]);
            AnsiConsole.Markup("[grey]…[/] ");
            current = Console.In.ReadLine() ?? string.Empty;
        }

        return text.Append(current).ToString();
    }
}
