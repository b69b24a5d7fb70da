using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Spend;

namespace Mostlyucid.LlmBackend.Gateway.Admin;

/// <summary>
/// Gives each gateway key's <c>MaxSpendUsd</c> to the library's budgets, and its finished requests' tokens to the token
/// limiter — at startup and again with each reloaded configuration (a key's spend so far carries over by its name).
/// </summary>
internal sealed class KeySpend
{
    private readonly object _gate = new();
    private readonly BudgetBook? _budgets;
    private readonly UsageLedger? _ledger;
    private readonly TokenRateLimiter _tokens;
    private bool _countingTokens;

    public KeySpend(IServiceProvider services)
    {
        _tokens = services.GetRequiredService<TokenRateLimiter>();
        if (services.GetRequiredService<BackendRegistry>().Settings.Usage.Enabled)
        {
            _budgets = services.GetRequiredService<BudgetBook>();
            _ledger = services.GetRequiredService<UsageLedger>();
        }
    }

    /// <summary>Puts the keys' budgets and token counting in place for <paramref name="settings"/>.</summary>
    /// <param name="settings">The gateway settings in use.</param>
    public void Apply(GatewaySettings settings)
    {
        if (_budgets is null || _ledger is null)
        {
            return;
        }

        var budgets = new List<Budget>();
        for (var i = 0; i < settings.ApiKeys.Count; i++)
        {
            var key = settings.ApiKeys[i];
            if (key.MaxSpendUsd is { } limit)
            {
                budgets.Add(new Budget(BudgetScopes.Caller(key.Name), $"{GatewaySettings.SectionName}:ApiKeys:{i}:MaxSpendUsd", limit, key.SpendResetPeriod, key.SpendResetDayOfWeek, key.SpendResetDayOfMonth, LogExceeded: true));
            }
        }

        _budgets.Replace(BudgetScopes.CallerPrefix, budgets);
        lock (_gate)
        {
            if (!_countingTokens && settings.ApiKeys.Any(k => k.MaxTokensPerMinute is not null))
            {
                // Once counting, it goes on: a key whose limit a later reload removes is simply not checked.
                _ledger.Recorded += _tokens.Recorded;
                _countingTokens = true;
            }
        }
    }
}
