using System.ComponentModel;
using Mostlyucid.LlmBackend.Cli.Output;
using Mostlyucid.LlmBackend.Configuration;
using Microsoft.Extensions.Hosting;
using Mostlyucid.LlmBackend.Gateway;
using Spectre.Console.Cli;

namespace Mostlyucid.LlmBackend.Cli.Commands;

/// <summary><c>llmb serve</c>: the gateway, exactly as <c>dotnet run --project src/Mostlyucid.LlmBackend.Gateway</c> runs it.</summary>
internal sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("The gateway's appsettings.json (its folder becomes the content root). Default: the built-in defaults.")]
        public string? Config { get; init; }

        [CommandOption("--urls <URLS>")]
        [Description("Where to listen (default http://127.0.0.1:5000; without gateway keys only loopback addresses are used).")]
        public string? Urls { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var args = new List<string>();
        if (settings.Config is { } config)
        {
            var full = Path.GetFullPath(config);
            if (!File.Exists(full))
            {
                return Console2.Fail($"The configuration file {config} does not exist.", Console2.BadConfiguration);
            }

            if (!string.Equals(Path.GetFileName(full), "appsettings.json", StringComparison.OrdinalIgnoreCase))
            {
                args.Add($"--LlmbConfigFile={full}");
            }

            args.Add($"--contentRoot={Path.GetDirectoryName(full)}");
        }

        if (settings.Urls is { } urls)
        {
            args.Add($"--urls={urls}");
        }

        try
        {
            var app = GatewayApplication.Create(args.ToArray(), builder =>
            {
                if (builder.Configuration["LlmbConfigFile"] is { Length: > 0 } file)
                {
                    Microsoft.Extensions.Configuration.JsonConfigurationExtensions.AddJsonFile(builder.Configuration, file, optional: false, reloadOnChange: true);
                }
            });
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (LlmConfigurationException problems)
        {
            return Console2.Problems(problems);
        }
    }
}
