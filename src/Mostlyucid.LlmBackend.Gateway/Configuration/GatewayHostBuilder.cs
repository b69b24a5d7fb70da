using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Mostlyucid.LlmBackend.Gateway.Configuration.Files;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// Creates the gateway's <see cref="WebApplicationBuilder"/> with the standard configuration sources (appsettings.json,
/// appsettings.{Environment}.json, environment variables, command line). When a configuration file cannot be loaded — a
/// key given twice, broken JSON — the standard host stops with an exception; here the same sources are read again
/// tolerantly, so the file's problems are listed together with every other problem instead.
/// </summary>
internal static class GatewayHostBuilder
{
    /// <summary>Creates the builder.</summary>
    /// <param name="args">The command line (<c>--contentRoot</c> says where appsettings.json is; the default is the program's folder).</param>
    /// <param name="problems">Receives the configuration files' problems, if any.</param>
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
            var before = problems.Count;
            foreach (var file in new[] { "appsettings.json", $"appsettings.{environment}.json" })
            {
                ((IConfigurationBuilder)builder.Configuration).Add(new TolerantJsonConfigurationSource { Path = file, Optional = true, FileProvider = files, Problems = problems });
            }

            builder.Configuration.AddEnvironmentVariables().AddCommandLine(args);
            if (problems.Count == before)
            {
                // Another source failed (not one of the standard files): say which, without a stack trace.
                problems.Add(ex.Message + (ex.InnerException is { } inner ? " " + inner.Message : string.Empty));
            }

            return builder;
        }
    }
}
