using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Mostlyucid.LlmBackend.Gateway.Configuration.Files;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// Creates the gateway's <see cref="WebApplicationBuilder"/> with the standard configuration sources (appsettings.json,
/// appsettings.{Environment}.json, environment variables, command line). When a configuration file cannot be loaded — a
/// key given twice, broken JSON — the standard host stops with an exception; here the same sources are read again
/// tolerantly, so the file's problems are listed together with every other problem instead. Every JSON file is read by
/// the tolerant reader in the end (<see cref="ReadFilesTolerantly"/>), so a file broken by an edit while the gateway runs
/// is a listed problem of that reload rather than an exception on a file watcher's thread.
/// </summary>
internal static class GatewayHostBuilder
{
    /// <summary>Creates the builder.</summary>
    /// <param name="args">The command line (<c>--contentRoot</c> says where appsettings.json is; the default is the program's folder).</param>
    /// <param name="problems">Receives a problem when a source other than the JSON files could not be loaded (the files' own are kept by their providers: <see cref="TolerantJsonConfigurationProvider.ProblemsIn"/>).</param>
    /// <returns>The builder; when <paramref name="problems"/> is not empty it may only be used to find more problems.</returns>
    public static WebApplicationBuilder Create(string[] args, List<string> problems)
    {
        var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        var contentRoot = commandLine["contentRoot"] is { Length: > 0 } root ? Path.GetFullPath(root) : AppContext.BaseDirectory;
        var options = new WebApplicationOptions { Args = args, ContentRootPath = contentRoot };
        try
        {
            return WebApplication.CreateBuilder(options);
        }
        catch (InvalidDataException ex)
        {
            var builder = WebApplication.CreateEmptyBuilder(options);
            builder.WebHost.UseKestrelCore();
            var environment = commandLine["environment"]
                ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                ?? "Production";
            var files = new PhysicalFileProvider(contentRoot);
            foreach (var file in new[] { "appsettings.json", $"appsettings.{environment}.json" })
            {
                // Not watched: with problems, this builder is used only to list them.
                ((IConfigurationBuilder)builder.Configuration).Add(new TolerantJsonConfigurationSource { Path = file, Optional = true, FileProvider = files });
            }

            builder.Configuration.AddEnvironmentVariables().AddCommandLine(args);
            if (TolerantJsonConfigurationProvider.ProblemsIn(builder.Configuration).Count == 0)
            {
                // Another source failed (not one of the standard files): say which, without a stack trace.
                problems.Add(ex.Message + (ex.InnerException is { } inner ? " " + inner.Message : string.Empty));
            }

            return builder;
        }
    }

    /// <summary>
    /// Replaces every JSON file source (the standard <c>appsettings*.json</c>, and files a caller added, such as
    /// <c>llmb serve --config</c>'s) with a tolerant one reading the same file with the same options — reload on change
    /// included.
    /// </summary>
    /// <param name="configuration">The builder's configuration.</param>
    public static void ReadFilesTolerantly(ConfigurationManager configuration)
    {
        IList<IConfigurationSource> sources = ((IConfigurationBuilder)configuration).Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: not null } json and not TolerantJsonConfigurationSource)
            {
                sources[i] = TolerantJsonConfigurationSource.From(json);
            }
        }
    }
}
