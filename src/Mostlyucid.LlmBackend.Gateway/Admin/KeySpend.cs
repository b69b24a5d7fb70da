using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Admin;

/// <summary>Gives each gateway key's <c>MaxSpendUsd</c> to the library's budgets, and its finished requests' tokens to the token limiter.</summary>
internal static class KeySpend
{
    public static void Register(IServiceProvider services, GatewaySettings settings)
    {
        if (!services.GetRequiredService<BackendRegistry>().Settings.Usage.Enabled)
        {
            return;
        }

        var budgets = services.GetRequiredService<BudgetBook>();
        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var key = settings.ApiKeys[i];
            if (key.MaxSpendUsd is { } limit)
            {
                budgets.Add(new Budget(BudgetScopes.Caller(key.Name), $"{GatewaySettings.SectionName}:ApiKeys:{i}:MaxSpendUsd", limit, key.SpendResetPeriod, key.SpendResetDayOfWeek, key.SpendResetDayOfMonth, LogExceeded: true));
            }
        }

        if (settings.ApiKeys.Any(k => k.MaxTokensPerMinute is not null))
        {
            services.GetRequiredService<UsageLedger>().Recorded += services.GetRequiredService<TokenRateLimiter>().Recorded;
        }
    }
}
