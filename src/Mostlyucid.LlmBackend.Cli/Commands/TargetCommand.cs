using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Cli.Targets;
using Mostlyucid.LlmBackend.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary>A command that opens its target (with a spinner on a terminal), runs, and reports failures the same way.</summary>
internal abstract class TargetCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : TargetSettings
{
    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        if (await PrepareAsync(settings, cancellationToken).ConfigureAwait(false) is { } stop)
        {
            return stop;
        }

        ILlmbTarget target;
        try
        {
            target = await Console2.Error.Status().StartAsync("Starting…", _ => settings.OpenAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (LlmConfigurationException problems)
        {
            return Console2.Problems(problems);
        }
        catch (Exception ex) when (ex is FileNotFoundException or ArgumentException or InvalidOperationException)
        {
            return Console2.Fail(ex.Message, Console2.BadConfiguration);
        }

        await using (target.ConfigureAwait(false))
        {
            try
            {
                return await RunAsync(target, settings, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or System.Text.Json.JsonException)
            {
                return Console2.Fail(ex.Message);
            }
        }
    }

    /// <summary>Runs before the target is opened (cheap checks of the input); an exit code stops the command there.</summary>
    protected virtual Task<int?> PrepareAsync(TSettings settings, CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    protected abstract Task<int> RunAsync(ILlmbTarget target, TSettings settings, CancellationToken cancellationToken);
}
