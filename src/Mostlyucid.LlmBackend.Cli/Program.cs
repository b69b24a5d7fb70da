using Mostlyucid.LlmBackend.Cli.Commands;
using Spectre.Console.Cli;

// llmb: Mostlyucid.LlmBackend from a terminal and from scripts. Exit codes: 0 done, 1 the request or command failed,
// 2 the configuration or the command line is wrong.
if (Console.IsOutputRedirected)
{
    // Output for a script or a file: no line wrapping at 80 columns.
    Spectre.Console.AnsiConsole.Profile.Width = 240;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("llmb");
    config.AddCommand<AskCommand>("ask")
        .WithDescription("Ask one question; the answer streams to standard output, who answered and the cost to standard error.")
        .WithExample("ask", "\"Why is the sky blue?\"")
        .WithExample("ask", "--config", "appsettings.json", "--model", "fast", "\"Summarise this\"")
        .WithExample("ask", "--url", "http://127.0.0.1:5000", "--key", "llmb-…", "--json", "\"Hello\"");
    config.AddCommand<ChatCommand>("chat")
        .WithDescription("Chat interactively, streamed, with the backend and cost of every answer; /help inside.")
        .WithExample("chat", "--config", "appsettings.json", "--model", "chat");
    config.AddCommand<ModelsCommand>("models")
        .WithDescription("List the names a request's model may be: routes, backends and configured models.")
        .WithExample("models", "--config", "appsettings.json");
    config.AddCommand<BackendsCommand>("backends")
        .WithDescription("List the backends: type, state, health (circuit breaker), latency, last error.")
        .WithExample("backends", "--url", "http://127.0.0.1:5000", "--key", "llmb-…");
    config.AddCommand<PluginsCommand>("plugins")
        .WithDescription("List the .NET plugins loaded and the WebAssembly / native plugin backends (with --schema, their config schemas).")
        .WithExample("plugins", "--config", "appsettings.json", "--schema");
    config.AddBranch("config", branch =>
    {
        branch.SetDescription("Work with configuration files.");
        branch.AddCommand<ConfigCheckCommand>("check")
            .WithDescription("Validate a configuration (every problem at once) and explain each route: which backends, in which order, with which limits.")
            .WithExample("config", "check", "appsettings.json");
    });
    config.AddCommand<UsageCommand>("usage")
        .WithDescription("Spend and tokens from the usage ledger by key, route, backend, model or day.")
        .WithExample("usage", "--config", "appsettings.json", "--by", "backend", "--days", "7")
        .WithExample("usage", "--url", "http://127.0.0.1:5000", "--key", "llmb-admin-…", "--by", "day");
    config.AddBranch("key", branch =>
    {
        branch.SetDescription("Gateway keys.");
        branch.AddCommand<KeyNewCommand>("new")
            .WithDescription("Generate a gateway key and print its SHA-256 for Gateway:ApiKeys.")
            .WithExample("key", "new", "--name", "team-a");
    });
    config.AddCommand<ServeCommand>("serve")
        .WithDescription("Run the gateway.")
        .WithExample("serve", "--config", "appsettings.json", "--urls", "http://127.0.0.1:5000");
});

return await app.RunAsync(args).ConfigureAwait(false);
