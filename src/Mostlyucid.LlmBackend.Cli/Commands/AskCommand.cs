using System.ComponentModel;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Models;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary><c>llmb ask "…"</c>: one question, streamed to standard output; who answered and the cost on standard error.</summary>
internal sealed class AskCommand : TargetCommand<AskCommand.Settings>
{
    public sealed class Settings : TargetSettings
    {
        [CommandArgument(0, "[QUESTION]")]
        [Description("The question. When standard input is piped it is read too (appended after the question).")]
        public string? Question { get; init; }

        [CommandOption("-m|--model <NAME>")]
        [Description("A route, backend or model (default: the default routing, \"auto\" on a gateway).")]
        public string? Model { get; init; }

        [CommandOption("-s|--system <TEXT>")]
        [Description("A system prompt.")]
        public string? System { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object (text, backend, model, attempts, usage, cost_usd, error) instead of streaming.")]
        public bool Json { get; init; }
    }

    private readonly List<ChatMessage> _messages = new();

    protected override async Task<int?> PrepareAsync(Settings settings, CancellationToken cancellationToken)
    {
        var question = settings.Question ?? string.Empty;
        if (Console.IsInputRedirected)
        {
            var piped = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            question = string.IsNullOrWhiteSpace(question) ? piped : $"{question}\n\n{piped}";
        }

        if (string.IsNullOrWhiteSpace(question))
        {
            return Console2.Fail("Nothing to ask: give the question as an argument (llmb ask \"…\") or pipe it in.", Console2.BadConfiguration);
        }

        if (!string.IsNullOrWhiteSpace(settings.System))
        {
            _messages.Add(new ChatMessage { Role = ChatRole.System, Content = settings.System });
        }

        _messages.Add(new ChatMessage { Role = ChatRole.User, Content = question.Trim() });
        return null;
    }

    protected override async Task<int> RunAsync(ILlmbTarget target, Settings settings, CancellationToken cancellationToken)
    {
        var turn = await target.ChatAsync(_messages, settings.Model, settings.Json ? _ => { } : text => Console.Out.Write(text), cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Console.Out.WriteLine(ToJson(turn).ToJsonString());
            return turn.Success ? 0 : Console2.Failed;
        }

        if (turn.Text.Length > 0)
        {
            Console.Out.WriteLine();
        }

        Console2.Footer(turn);
        return turn.Success ? 0 : Console2.Fail(turn.Error!);
    }

    public static JsonObject ToJson(ChatTurn turn) => new()
    {
        ["text"] = turn.Text,
        ["backend"] = turn.Backend,
        ["model"] = turn.Model,
        ["attempts"] = turn.Attempts,
        ["finish_reason"] = turn.FinishReason,
        ["usage"] = turn.Usage is { } usage
            ? new JsonObject { ["prompt_tokens"] = usage.PromptTokens, ["completion_tokens"] = usage.CompletionTokens, ["total_tokens"] = usage.TotalTokens }
            : null,
        ["cost_usd"] = turn.CostUsd,
        ["error"] = turn.Error is null ? null : new JsonObject { ["kind"] = turn.ErrorKind, ["message"] = turn.Error },
    };
}
