using System.Globalization;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Configuration;
using Spectre.Console;

namespace Mostlyucid.LlmBackend.Cli.Output;

/// <summary>What every command prints the same way: an answer's footer, errors, configuration problems.</summary>
internal static class Console2
{
    /// <summary>Exit code: the request or command failed.</summary>
    public const int Failed = 1;

    /// <summary>Exit code: the configuration (or the command line) is wrong.</summary>
    public const int BadConfiguration = 2;

    /// <summary>Gets the console for diagnostics (standard error), so standard output stays the answer.</summary>
    public static IAnsiConsole Error { get; } = CreateError();

    private static IAnsiConsole CreateError()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    /// <summary>Writes who answered, in how many attempts, and what it cost, dimmed, to standard error.</summary>
    public static void Footer(ChatTurn turn)
    {
        var parts = new List<string>();
        if (turn.Backend is not null)
        {
            parts.Add($"backend {turn.Backend}");
        }

        if (turn.Model is not null)
        {
            parts.Add($"model {turn.Model}");
        }

        parts.Add(turn.Attempts == 1 ? "1 attempt" : $"{turn.Attempts} attempts");
        if (turn.Usage is { } usage)
        {
            parts.Add($"{usage.PromptTokens} + {usage.CompletionTokens} tokens");
        }

        parts.Add(turn.CostUsd is { } cost ? "$" + cost.ToString("0.######", CultureInfo.InvariantCulture) : "cost unknown");
        Error.MarkupLine($"[grey]{Markup.Escape(string.Join(" · ", parts))}[/]");
        foreach (var attempt in turn.AttemptDetails.Where(a => !a.Success))
        {
            var why = attempt.Cancelled ? "cancelled (a hedge answered first)" : attempt.Error?.Message ?? "failed";
            Error.MarkupLine($"[grey]  {Markup.Escape(attempt.BackendName)} ({attempt.Role}): {Markup.Escape(why)}[/]");
        }
    }

    /// <summary>Writes an error to standard error.</summary>
    public static int Fail(string message, int code = Failed)
    {
        Error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return code;
    }

    /// <summary>Writes every configuration problem to standard error.</summary>
    public static int Problems(LlmConfigurationException problems)
    {
        Error.MarkupLine($"[red]The configuration has {problems.Problems.Count} problem(s):[/]");
        foreach (var problem in problems.Problems)
        {
            Error.MarkupLine($"  [red]•[/] {Markup.Escape(problem)}");
        }

        return BadConfiguration;
    }
}
