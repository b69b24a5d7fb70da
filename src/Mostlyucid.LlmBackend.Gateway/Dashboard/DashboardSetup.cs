using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Api;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Journal;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Pages;
using Mostlyucid.LlmBackend.Gateway.Dashboard.Sessions;
using Mostlyucid.LlmBackend.Gateway.Security;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Security;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard;

/// <summary>Puts the dashboard, its admin API and the request journal into the gateway (<c>Gateway:Dashboard</c>).</summary>
internal static class DashboardSetup
{
    /// <summary>Registers the dashboard's services. The sessions are always registered (the gate asks them); the rest only when enabled.</summary>
    /// <param name="services">The services.</param>
    /// <param name="settings">The dashboard's settings.</param>
    public static void AddDashboard(this IServiceCollection services, GatewayDashboardSettings settings)
    {
        services.AddSingleton(sp => new DashboardSessions(settings, sp.GetRequiredService<TimeProvider>()));
        if (!settings.Enabled)
        {
            return;
        }

        services.AddSingleton(sp => new LoginThrottle(settings.MaxLoginFailures, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton(sp => new TrafficRecorder(
            new RequestJournal(settings.JournalCapacity),
            new TrafficStats(),
            new JournalEntries(sp.GetRequiredService<SecretRedactor>()),
            sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Journals model requests (after the gate) and subscribes to the usage ledger, when the dashboard is enabled.</summary>
    /// <param name="app">The application.</param>
    /// <param name="settings">The dashboard's settings.</param>
    public static void UseDashboardJournal(this WebApplication app, GatewayDashboardSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        var recorder = app.Services.GetRequiredService<TrafficRecorder>();
        if (app.Services.GetRequiredService<BackendRegistry>().Settings.Usage.Enabled)
        {
            app.Services.GetRequiredService<UsageLedger>().RecordedWithAttempts += recorder.Recorded;
        }

        app.UseMiddleware<RequestJournalMiddleware>();
    }

    /// <summary>Maps the pages, login, static files and the admin API, each with the access it needs.</summary>
    /// <param name="routes">The routes.</param>
    /// <param name="settings">The dashboard's settings.</param>
    public static void MapDashboard(this IEndpointRouteBuilder routes, GatewayDashboardSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        foreach (var (path, file) in DashboardPages.Pages)
        {
            routes.MapGet($"{DashboardPaths.Root}/{path}", DashboardPages.Page(file)).RequireDashboardSession();
        }

        routes.MapGet($"{DashboardPaths.Root}/login", LoginEndpoints.PageAsync).OpenToAnyone();
        routes.MapPost($"{DashboardPaths.Root}/login", LoginEndpoints.LoginAsync).OpenToAnyone();
        routes.MapPost($"{DashboardPaths.Root}/logout", LoginEndpoints.LogoutAsync).OpenToAnyone();
        routes.MapGet($"{DashboardPaths.Root}/static/{{file}}", DashboardPages.StaticAsync).OpenToAnyone();

        routes.MapGet("/admin/api/overview", DashboardApi.OverviewAsync).RequireAdminKeyOrDashboardSession();
        routes.MapGet("/admin/api/backends", DashboardApi.BackendsAsync).RequireAdminKeyOrDashboardSession();
        routes.MapGet("/admin/api/spend", DashboardApi.SpendAsync).RequireAdminKeyOrDashboardSession();
        routes.MapGet("/admin/api/requests", DashboardApi.RequestsAsync).RequireAdminKeyOrDashboardSession();
        routes.MapGet("/admin/api/requests/{requestId}", DashboardApi.RequestAsync).RequireAdminKeyOrDashboardSession();
        routes.MapGet("/admin/api/config", DashboardApi.ConfigAsync).RequireAdminKeyOrDashboardSession();
    }
}
