using System.Net;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser — Debian's chromium, headless, driven by Playwright — over a gateway with real
/// traffic (a failover, a stream, a spent budget): no page without logging in, a wrong key and a non-admin key refused,
/// each page loading its data with no console error or failed request, the failover's attempts on a timeline, and the
/// session cookie out of scripts' reach. Screenshots of every page go to <c>artifacts/dashboard/</c> in the test output.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard");

    [Fact]
    public async Task Dashboard_InChromium_LogsInWithAnAdminKeyOnly_AndShowsBackendsRequestsAndSpend()
    {
        Assert.True(File.Exists(Chromium), $"Debian's chromium is not installed at {Chromium}: run scripts/install-prerequisites.sh (it installs it with apt-get), then run the tests again.");
        await using var gateway = await DashboardGateway.StartAsync();
        var (failedOver, _) = await gateway.MakeTrafficAsync();
        Directory.CreateDirectory(Screenshots);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Args = new[] { "--no-sandbox" }, Headless = true });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 }, BaseURL = gateway.Gateway.BaseUrl });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        var urls = new List<string>();
        var expectRefusals = true;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !expectRefusals)
            {
                problems.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Add($"failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !expectRefusals)
            {
                problems.Add($"HTTP {response.Status}: {response.Url}");
            }
        };
        page.FrameNavigated += (_, frame) => urls.Add(frame.Url);

        // No session: the dashboard sends the browser to its login page.
        await page.GotoAsync("/dashboard/requests");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByLabel("Admin key")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "login.png") });
        await CheckAccessibilityAsync(page, "login", problems);

        // A wrong key, then a key that may only call models: the login page again, with a message, and no cookie.
        var wrong = await SubmitKeyAsync(page, "a-wrong-key-that-is-long-enough");
        Assert.Equal((int)HttpStatusCode.Unauthorized, wrong.Status);
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("That key is not one of this gateway");
        var client = await SubmitKeyAsync(page, DashboardGateway.ClientKey);
        Assert.Equal((int)HttpStatusCode.Unauthorized, client.Status);
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("may call models but not open the dashboard");
        Assert.Empty(await context.CookiesAsync());

        // The admin key: in, with a session cookie no script can read and no other site's page sends.
        var admin = await SubmitKeyAsync(page, DashboardGateway.AdminKey);
        expectRefusals = false;
        Assert.Equal((int)HttpStatusCode.Found, admin.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        Assert.EndsWith("/dashboard/", page.Url, StringComparison.Ordinal);
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.Equal(("llmb_dashboard", true, SameSiteAttribute.Strict, "/"), (cookie.Name, cookie.HttpOnly, cookie.SameSite, cookie.Path));
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("document.cookie"));
        Assert.Equal(200, await page.EvaluateAsync<int>("fetch('../admin/api/overview').then(r => r.status)"));

        // Overview: live figures and charts.
        await Assertions.Expect(page.Locator("#cards")).ToContainTextAsync("Requests");
        await Assertions.Expect(page.Locator("#cards .card").First).ToContainTextAsync("5");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "overview.png"), FullPage = true });
        await CheckAccessibilityAsync(page, "overview", problems);

        // Backends: both, the failing one with its error.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Backends" }).ClickAsync();
        var backends = page.Locator("#backends tbody");
        await Assertions.Expect(backends.Locator("tr")).ToHaveCountAsync(2);
        await Assertions.Expect(backends).ToContainTextAsync("primary");
        await Assertions.Expect(backends).ToContainTextAsync("secondary");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "backends.png"), FullPage = true });
        await CheckAccessibilityAsync(page, "backends", problems);

        // Spend: the costs by key, and the spent budget.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Spend" }).ClickAsync();
        await Assertions.Expect(page.Locator("#totals tbody")).ToContainTextAsync("app");
        await Assertions.Expect(page.Locator("#totals tbody")).ToContainTextAsync("$");
        await Assertions.Expect(page.Locator("#budgets tbody")).ToContainTextAsync("caller:intern");
        await Assertions.Expect(page.Locator("#budgets tbody")).ToContainTextAsync("spent");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "spend.png"), FullPage = true });
        await CheckAccessibilityAsync(page, "spend", problems);

        // Requests: the five just made, the refusal among them; the failover opens on a timeline of its two attempts.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Requests" }).ClickAsync();
        var rows = page.Locator("#requests tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#requests tbody")).ToContainTextAsync("429");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "requests.png"), FullPage = true });
        await CheckAccessibilityAsync(page, "requests", problems);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"open request {failedOver}" }).ClickAsync();
        var dialog = page.Locator("#detail");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator(".timeline .row")).ToHaveCountAsync(2);
        await Assertions.Expect(dialog.Locator(".timeline")).ToContainTextAsync("primary: primary");
        await Assertions.Expect(dialog.Locator(".timeline")).ToContainTextAsync("failover: secondary");
        await Assertions.Expect(dialog.Locator("#detail-attempts")).ToContainTextAsync("ServerError (503)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "request-detail.png") });
        await CheckAccessibilityAsync(page, "request detail", problems);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToBeHiddenAsync();

        // Configuration: routes and backends, no secret.
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Configuration" }).ClickAsync();
        await Assertions.Expect(page.Locator("#routes tbody")).ToContainTextAsync("smart");
        await Assertions.Expect(page.Locator("#cbackends tbody")).ToContainTextAsync("set (hidden)");
        var content = await page.ContentAsync();
        Assert.DoesNotContain(DashboardGateway.UpstreamKey, content, StringComparison.Ordinal);
        Assert.DoesNotContain(DashboardGateway.AdminKey, content, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "config.png"), FullPage = true });
        await CheckAccessibilityAsync(page, "config", problems);

        Assert.True(problems.Count == 0, "The dashboard had problems in the browser:\n" + string.Join('\n', problems));
        Assert.DoesNotContain(urls, url => url.Contains(DashboardGateway.AdminKey, StringComparison.Ordinal) || url.Contains(DashboardGateway.ClientKey, StringComparison.Ordinal));

        // Logging out ends the session: the pages and the API are closed again.
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Log out" }).ClickAsync();
        await page.WaitForURLAsync("**/dashboard/login");
        expectRefusals = true;
        await page.GotoAsync("/dashboard/spend");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
        Assert.Equal(401, await page.EvaluateAsync<int>("fetch('../admin/api/overview').then(r => r.status)"));
    }

    /// <summary>Runs axe-core on the page as it is; its serious and critical violations (contrast, names, labels, landmarks…) are problems.</summary>
    private static async Task CheckAccessibilityAsync(IPage page, string name, List<string> problems)
    {
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            problems.Add($"accessibility on {name}: {violation.Id} ({violation.Impact}) {violation.Help} — {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}");
        }
    }

    /// <summary>Types a key into the login form and submits it; returns the response to the form's POST.</summary>
    private static async Task<IResponse> SubmitKeyAsync(IPage page, string key)
    {
        await page.GetByLabel("Admin key").FillAsync(key);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Log in" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/dashboard/login", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        return response;
    }
}
