using System.ComponentModel;
using Mostlyucid.LlmBackend.Cli.Targets;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary>Where a command works: the library on a configuration file, or a running gateway (<c>--url</c>, <c>--key</c>).</summary>
internal class TargetSettings : CommandSettings
{
    [CommandOption("-c|--config <FILE>")]
    [Description("A configuration file with an LlmSettings section (appsettings.json style). Without it (and without --url) the built-in defaults are used: providers whose API key is set in the environment, else the offline Mock.")]
    public string? Config { get; init; }

    [CommandOption("-u|--url <URL>")]
    [Description("Talk to a running gateway instead, e.g. http://127.0.0.1:5000 (or set LLMB_URL).")]
    public string? Url { get; init; }

    [CommandOption("-k|--key <KEY>")]
    [Description("The gateway key for --url (or set LLMB_KEY).")]
    public string? Key { get; init; }

    [CommandOption("-v|--verbose")]
    [Description("Log the library's warnings and information to standard error.")]
    public bool Verbose { get; init; }

    /// <summary>Gets the gateway to talk to: <c>--url</c>, else <c>LLMB_URL</c> when no <c>--config</c> was given.</summary>
    public string? EffectiveUrl
    {
        get
        {
            if (Url is not null)
            {
                return Url;
            }

            return Config is null && Environment.GetEnvironmentVariable("LLMB_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        }
    }

    public override Spectre.Console.ValidationResult Validate() =>
        Config is not null && Url is not null
            ? Spectre.Console.ValidationResult.Error("Give either --config (the library on a file) or --url (a running gateway), not both.")
            : base.Validate();

    /// <summary>Opens the target the options describe.</summary>
    public async Task<ILlmbTarget> OpenAsync(CancellationToken cancellationToken) =>
        EffectiveUrl is { } url
            ? new RemoteTarget(url, Key ?? Environment.GetEnvironmentVariable("LLMB_KEY"))
            : await LocalTarget.StartAsync(Config, Verbose, cancellationToken).ConfigureAwait(false);
}
