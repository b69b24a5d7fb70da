using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Anthropic;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Defaults;
using Mostlyucid.LlmBackend.Gateway.Health;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Gateway.OpenAi;
using Mostlyucid.LlmBackend.Gateway.Telemetry;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Gateway;

/// <summary>
/// Builds the gateway: ASP.NET Core on Kestrel, configured from the standard sources (appsettings.json, environment
/// variables, command line, <c>--urls</c>), serving OpenAI's and Anthropic's HTTP APIs over the library's pipeline.
/// </summary>
public static class GatewayApplication
{
    /// <summary>Where the gateway listens when no <c>--urls</c> / <c>ASPNETCORE_URLS</c> is given.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5000";

    private static readonly char[] HostEnd = { ':', '/' };

    /// <summary>Builds the gateway application.</summary>
    /// <param name="args">Command-line arguments (configuration overrides, <c>--urls</c>).</param>
    /// <param name="configure">Changes to the builder before the gateway reads its configuration (tests add sources here).</param>
    /// <returns>The application, ready to run.</returns>
    /// <exception cref="GatewayConfigurationException">The <c>Gateway</c> section has problems (all are listed).</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        var gateway = ReadSettings(builder.Configuration);
        var report = DefaultBackends.Apply(builder.Configuration, gateway, Environment.GetEnvironmentVariable, DefaultBackends.OllamaAnswers);
        var keys = new GatewayApiKeys(gateway);
        var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured : DefaultUrls;
        if (!keys.Required)
        {
            urls = LoopbackOnly(urls);
        }

        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes);
        builder.Services.AddLlmBackend(builder.Configuration);

        // Backends of Type Wasm (Extism plugins, sandboxed) and Native (C-ABI libraries) are available to every configuration.
        builder.Services.AddLlmBackendWasm();
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(report);
        builder.Services.AddSingleton<RequestRateLimiter>();

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mostlyucid.LlmBackend.Gateway");
        if (keys.Required)
        {
            GatewayLog.KeysRequired(logger, gateway.ApiKeys.Count);
        }
        else
        {
            GatewayLog.LoopbackOnly(logger, urls);
        }

        if (report.UsedDefaults)
        {
            GatewayLog.DefaultsInUse(logger, report.Enabled);
            if (report.MockOnly)
            {
                GatewayLog.MockOnly(logger, report.OllamaUrl ?? gateway.OllamaUrl);
            }
        }

        app.Use((context, next) => AuthenticateAsync(context, next, keys, app.Services.GetRequiredService<RequestRateLimiter>(), logger));
        MapEndpoints(app);
        return app;
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        app.MapPost("/v1/completions", CompletionsEndpoint.HandleAsync);
        app.MapPost("/v1/embeddings", EmbeddingsEndpoint.HandleAsync);
        app.MapGet("/v1/models", ModelsEndpoint.ListAsync);
        app.MapGet("/v1/models/{**id}", ModelsEndpoint.GetAsync);
        app.MapPost("/v1/messages", MessagesEndpoint.HandleAsync);
        app.MapGet("/health", HealthEndpoints.LiveAsync);
        app.MapGet("/health/ready", HealthEndpoints.ReadyAsync);
    }

    private static GatewaySettings ReadSettings(ConfigurationManager configuration)
    {
        var settings = new GatewaySettings();
        var problems = new List<string>();
        var section = configuration.GetSection(GatewaySettings.SectionName);
        if (section.Exists())
        {
            ConfigurationObjectReader.Read(section, settings, problems);
        }

        var unresolved = new HashSet<int>();
        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var key = settings.ApiKeys[i];
            if (key.Key is { } value && value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}'))
            {
                var variable = value[2..^1];
                key.Key = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(key.Key))
                {
                    unresolved.Add(i);
                    problems.Add($"{GatewaySettings.SectionName}:ApiKeys:{i}:Key references environment variable {variable}, which is not set. Set it, or give the key's hash as KeySha256.");
                }
            }
        }

        problems.AddRange(GatewayApiKeys.Validate(settings, skipKeyChecks: unresolved));
        if (settings.MaxRequestBodyBytes <= 0)
        {
            problems.Add($"{GatewaySettings.SectionName}:MaxRequestBodyBytes: must be greater than 0 (found {settings.MaxRequestBodyBytes}).");
        }

        if (!Uri.TryCreate(settings.OllamaUrl, UriKind.Absolute, out _))
        {
            problems.Add($"{GatewaySettings.SectionName}:OllamaUrl: must be an absolute URL such as http://localhost:11434.");
        }

        return problems.Count > 0 ? throw new GatewayConfigurationException(problems) : settings;
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

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next, GatewayApiKeys keys, RequestRateLimiter limiter, ILogger logger)
    {
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        GatewayHeaders.EnsureRequestId(context);
        var anthropic = context.Request.Path.StartsWithSegments("/v1/messages", StringComparison.Ordinal);
        if (!keys.Required)
        {
            GatewayCallerFeature.Set(context, GatewayCaller.Anonymous);
            await next(context).ConfigureAwait(false);
            return;
        }

        if (keys.Authenticate(context.Request) is not { } found)
        {
            GatewayLog.RejectedUnauthenticated(logger, context.Request.Path);
            const string Message = "Missing or invalid API key: send a gateway key as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.";
            await (anthropic
                ? AnthropicErrorResponder.WriteAsync(context, 401, Message)
                : OpenAiErrorResponder.WriteAsync(context, 401, Message, "invalid_request_error", "invalid_api_key")).ConfigureAwait(false);
            return;
        }

        if (found.PerMinute is { } limit && limiter.TryAcquire(found.Caller.KeyName, limit) is { } wait)
        {
            GatewayLog.RejectedRateLimited(logger, context.Request.Path, found.Caller.KeyName, limit);
            GatewayErrors.AddRetryAfter(context.Response, wait);
            var message = $"The API key '{found.Caller.KeyName}' is limited to {limit} requests per minute; retry after {Math.Ceiling(wait.TotalSeconds)} s.";
            await (anthropic
                ? AnthropicErrorResponder.WriteAsync(context, 429, message)
                : OpenAiErrorResponder.WriteAsync(context, 429, message, "rate_limit_error", "rate_limit_exceeded")).ConfigureAwait(false);
            return;
        }

        GatewayCallerFeature.Set(context, found.Caller);
        await next(context).ConfigureAwait(false);
    }
}
