using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Admin;
using Mostlyucid.LlmBackend.Gateway.Anthropic;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Configuration.Files;
using Mostlyucid.LlmBackend.Gateway.Dashboard;
using Mostlyucid.LlmBackend.Gateway.Defaults;
using Mostlyucid.LlmBackend.Gateway.Health;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Gateway.Responses;
using Mostlyucid.LlmBackend.Gateway.Responses.Storage;
using Mostlyucid.LlmBackend.Gateway.Telemetry;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Gateway;

/// <summary>
/// Builds the gateway: ASP.NET Core on Kestrel, configured from the standard sources (appsettings.json, environment
/// variables, command line, <c>--urls</c>), serving OpenAI's and Anthropic's HTTP APIs over the library's pipeline. A
/// changed configuration file is reloaded while it runs: checked whole, swapped in when good, refused (and listed in
/// <c>GET /admin/config</c>) when not.
/// </summary>
public static class GatewayApplication
{
    /// <summary>Where the gateway listens when no <c>--urls</c> / <c>ASPNETCORE_URLS</c> is given.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5000";

    private static readonly char[] HostEnd = { ':', '/' };

    /// <summary>Builds the gateway application.</summary>
    /// <param name="args">Command-line arguments (configuration overrides, <c>--urls</c>, <c>--contentRoot</c>).</param>
    /// <param name="configure">Changes to the builder before the gateway reads its configuration (tests add sources here).</param>
    /// <returns>The application, ready to run.</returns>
    /// <exception cref="GatewayConfigurationException">
    /// The configuration has problems: every one found in the configuration files and the <c>Gateway</c> and
    /// <c>LlmSettings</c> sections is listed, in one report.
    /// </exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var problems = new List<string>();
        var builder = GatewayHostBuilder.Create(args, problems);
        configure?.Invoke(builder);
        GatewayHostBuilder.ReadFilesTolerantly(builder.Configuration);
        problems.AddRange(TolerantJsonConfigurationProvider.ProblemsIn(builder.Configuration));

        UsageDefaults.Apply(builder.Configuration);
        CacheDefaults.Apply(builder.Configuration);
        var gateway = GatewaySettingsReader.Read(builder.Configuration, Environment.GetEnvironmentVariable, problems);
        var report = DefaultBackends.Apply(builder.Configuration, gateway, Environment.GetEnvironmentVariable, DefaultBackends.OllamaAnswers);
        var snapshot = new GatewaySnapshot(gateway);
        var keys = snapshot.Keys;
        var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured : DefaultUrls;
        if (!keys.Required)
        {
            urls = LoopbackOnly(urls);
        }

        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        // Kestrel's limit bounds what it reads of a refused request's body; for an admitted request the gate lifts it and
        // enforces Gateway:MaxRequestBodyBytes itself (RequestBodyLimit), so an oversize body can be drained after its 413.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes > 0 ? gateway.MaxRequestBodyBytes : null);
        builder.Services.AddLlmBackend(builder.Configuration);

        // Backends of Type Wasm (Extism plugins, sandboxed) and Native (C-ABI libraries) are available to every configuration.
        builder.Services.AddLlmBackendWasm();

        // Usage ledger stores: SQLite (the gateway's default) and PostgreSQL (shared by several instances).
        builder.Services.AddLlmBackendSqlite();
        builder.Services.AddLlmBackendPostgreSql();

        // Shared state for several instances (LlmSettings:Redis): the response cache and key limits.
        builder.Services.AddLlmBackendRedis();
        builder.Services.RedactSecretsInLogs();
        GatewayTelemetry.Add(builder, gateway.Telemetry, Environment.GetEnvironmentVariable);
        builder.Services.AddSingleton(new GatewayConfiguration(snapshot));
        builder.Services.AddSingleton(report);
        builder.Services.AddSingleton(sp => new RequestRateLimiter(sp.GetRequiredService<TimeProvider>(), SharedLimits.From(sp)));
        builder.Services.AddSingleton(sp => new TokenRateLimiter(sp.GetRequiredService<TimeProvider>(), SharedLimits.From(sp)));
        builder.Services.AddSingleton<KeySpend>();
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddDashboard(gateway.Dashboard);

        // Responses the Responses API stores (store: true), for previous_response_id, item_reference and GET /v1/responses/{id}.
        builder.Services.AddSingleton<IResponseStore>(sp => ResponseStores.Create(
            gateway.Responses,
            sp.GetRequiredService<LlmSettingsSource>().Settings.Usage,
            builder.Environment.ContentRootPath,
            sp.GetRequiredService<TimeProvider>()));
        // CORS answers from the configuration in use (Gateway:AllowedOrigins reloads): registered before AddCors, which
        // then adds no provider of its own.
        builder.Services.AddSingleton<ICorsPolicyProvider, GatewayCorsPolicy>();
        builder.Services.AddCors();

        // Keys, limits, origins, backends and routes reload with the configuration files (docs/configuration.md).
        builder.Services.AddSingleton<IConfigurationReloadParticipant>(sp => new GatewayReloadParticipant(
            (IConfigurationRoot)sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<GatewayConfiguration>(),
            sp.GetRequiredService<KeySpend>(),
            sp.GetRequiredService<SecretRedactor>(),
            report,
            sp.GetRequiredService<BackendRegistry>().Settings));

        var app = builder.Build();
        problems.AddRange(app.Services.GetRequiredService<BackendRegistry>().FindProblems());
        var llmSettings = app.Services.GetRequiredService<LlmSettingsSource>().Settings;
        GatewaySettingsReader.CheckAllowedModels(gateway, llmSettings, problems);
        GatewaySettingsReader.CheckSpendSettings(gateway, llmSettings, problems);
        problems.AddRange(ResponseStoreSettingsCheck.LedgerProblems(gateway.Responses, llmSettings.Usage));
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }

        var redactor = app.Services.GetRequiredService<SecretRedactor>();
        foreach (var key in gateway.ApiKeys)
        {
            redactor.Add(key.Key);
        }

        app.Services.GetRequiredService<KeySpend>().Apply(gateway);
        LogStartup(app, gateway, keys, report, urls);
        app.UseRouting();
        app.UseCors();
        app.UseMiddleware<GatewayGate>();
        app.UseDashboardJournal(gateway.Dashboard);
        MapEndpoints(app);
        app.MapDashboard(gateway.Dashboard);
        GatewayTelemetry.Map(app, gateway.Telemetry);
        GatewayEndpointAudit.EnsureEveryEndpointIsGated(app);
        return app;
    }

    private static void LogStartup(WebApplication app, GatewaySettings gateway, GatewayApiKeys keys, DefaultBackendsReport report, string urls)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mostlyucid.LlmBackend.Gateway");
        if (keys.Required)
        {
            GatewayLog.KeysRequired(logger, gateway.ApiKeys.Count);
        }
        else
        {
            GatewayLog.LoopbackOnly(logger, urls);
        }

        if (Environment.ProcessorCount == 1 && Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") is null)
        {
            GatewayLog.SlowTieringOnOneCpu(logger);
        }

        if (report.UsedDefaults)
        {
            GatewayLog.DefaultsInUse(logger, report.Enabled);
            if (report.MockOnly)
            {
                GatewayLog.MockOnly(logger, report.OllamaUrl ?? gateway.OllamaUrl);
            }
        }
    }

    /// <summary>
    /// Maps every endpoint with the access it needs. The gate reads this from the endpoint routing matched, so how a path
    /// is spelled never decides who may call it.
    /// </summary>
    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: true);
        app.MapPost("/v1/completions", CompletionsEndpoint.HandleAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: true);
        app.MapPost("/v1/embeddings", EmbeddingsEndpoint.HandleAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: true);
        app.MapPost("/v1/responses", ResponsesEndpoint.HandleAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: true);
        app.MapGet("/v1/responses/{id}", ResponsesRetrievalEndpoints.GetAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: false);
        app.MapDelete("/v1/responses/{id}", ResponsesRetrievalEndpoints.DeleteAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: false);
        app.MapGet("/v1/responses/{id}/input_items", ResponsesRetrievalEndpoints.InputItemsAsync).RequireGatewayKey(ErrorShape.OpenAi, takesJsonBody: false);
        app.MapGet("/v1/models", ModelsEndpoint.ListAsync).RequireGatewayKey(ErrorShape.ByClient, takesJsonBody: false);
        app.MapGet("/v1/models/{**id}", ModelsEndpoint.GetAsync).RequireGatewayKey(ErrorShape.ByClient, takesJsonBody: false);
        app.MapPost("/v1/messages", MessagesEndpoint.HandleAsync).RequireGatewayKey(ErrorShape.Anthropic, takesJsonBody: true);
        app.MapPost("/v1/messages/count_tokens", CountTokensEndpoint.HandleAsync).RequireGatewayKey(ErrorShape.Anthropic, takesJsonBody: true);
        app.MapMethods("/health", new[] { HttpMethods.Get, HttpMethods.Head }, HealthEndpoints.LiveAsync).OpenToAnyone();
        app.MapGet("/health/ready", HealthEndpoints.ReadyAsync).OpenToAnyone();
        app.MapGet("/admin/usage", AdminEndpoints.UsageAsync).RequireAdminKey();
        app.MapGet("/admin/budgets", AdminEndpoints.BudgetsAsync).RequireAdminKey();
        app.MapGet("/admin/config", AdminEndpoints.ConfigAsync).RequireAdminKey();
    }

    /// <summary>Rewrites every non-loopback listen address to 127.0.0.1 (same scheme and port).</summary>
    internal static string LoopbackOnly(string urls) => string.Join(';', urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url =>
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return url;
        }

        var rest = url[(schemeEnd + 3)..];
        var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOfAny(HostEnd);
        var host = hostEnd > 0 ? rest[..hostEnd] : rest;
        var isLoopback = host is "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        return isLoopback ? url : url[..(schemeEnd + 3)] + "127.0.0.1" + (hostEnd > 0 ? rest[hostEnd..] : string.Empty);
    }));
}
