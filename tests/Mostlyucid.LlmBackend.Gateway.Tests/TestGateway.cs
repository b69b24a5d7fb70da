using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mostlyucid.LlmBackend.Gateway.Tests;

/// <summary>The gateway application, started in-process on a free port on 127.0.0.1 with the given settings.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Gets the gateway's base URL (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>Gets the running gateway's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a gateway whose configuration is the embedded defaults overlaid with <paramref name="settings"/>.</summary>
    /// <param name="settings">The configuration overlay.</param>
    /// <param name="configure">More changes to the builder (extra services, logging), if any.</param>
    /// <param name="args">More command-line arguments (such as <c>--contentRoot</c>), if any.</param>
    public static async Task<TestGateway> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null, params string[] args)
    {
        // Each test gateway keeps its usage ledger in memory unless the test says otherwise (the default SQLite file under
        // the content root would be shared by every gateway the tests start).
        var effective = new Dictionary<string, string?>(settings);
        // A setting given as null is left to the gateway's own defaults.
        effective.TryAdd("LlmSettings:Usage:Store", "Memory");
        foreach (var unset in effective.Where(s => s.Value is null).Select(s => s.Key).ToList())
        {
            effective.Remove(unset);
        }

        var app = GatewayApplication.Create(new[] { "--urls", "http://127.0.0.1:0" }.Concat(args).ToArray(), builder =>
        {
            builder.Configuration.AddInMemoryCollection(effective);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new TestGateway(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
