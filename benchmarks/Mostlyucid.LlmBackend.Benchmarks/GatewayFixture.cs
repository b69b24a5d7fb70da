using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Providers;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// The library as the gateway sets it up — default resilience settings, logging at Warning — with one OpenAI-compatible
/// backend ("up0") whose HTTP client answers from memory.
/// </summary>
internal sealed class GatewayFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public GatewayFixture(int streamChunks = 10, Action<LlmSettings>? configure = null, Action<IServiceCollection>? register = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddLlmBackend(settings =>
        {
            settings.Backends.Add(new LlmBackendConfig
            {
                Name = "up0",
                Type = "OpenAICompatible",
                BaseUrl = "http://127.0.0.1:9100/v1",
                ApiKey = "sk-fake",
                ModelName = "m",
            });
            configure?.Invoke(settings);
        });
        register?.Invoke(services);
        services.AddHttpClient(BuiltInProvidersPlugin.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemoryUpstream(streamChunks));
        _services = services.BuildServiceProvider();
        Llm = _services.GetRequiredService<ILlmService>();
        Router = _services.GetRequiredService<Routing.BackendRouter>();
        Time = TimeProvider.System;
    }

    public ILlmService Llm { get; }

    /// <summary>Gets the library's services.</summary>
    public IServiceProvider Services => _services;

    public TimeProvider Time { get; }

    public Routing.BackendRouter Router { get; }

    /// <summary>A request as Kestrel would hand it over, with its body; the response goes to <paramref name="responseBody"/>.</summary>
    public static DefaultHttpContext Context(byte[] requestBody, Stream responseBody)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = requestBody.Length;
        context.Request.Body = new MemoryStream(requestBody, writable: false);
        context.Response.Body = responseBody;

        // What the gate establishes for a local caller when no keys are configured (endpoints refuse a caller it did not admit).
        GatewayCallerFeature.Set(context, GatewayCaller.Anonymous);
        return context;
    }

    public void Dispose() => _services.Dispose();
}
