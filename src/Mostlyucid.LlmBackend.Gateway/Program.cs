// The gateway: OpenAI- and Anthropic-compatible HTTP APIs over mostlylucid.llmbackend's routing and failover.
//   dotnet run --project src/Mostlyucid.LlmBackend.Gateway            (embedded defaults, http://127.0.0.1:5000)
//   dotnet run --project src/Mostlyucid.LlmBackend.Gateway -- --urls http://127.0.0.1:8080
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Gateway;
using Mostlyucid.LlmBackend.Gateway.Configuration;

try
{
    await GatewayApplication.Create(args).RunAsync();
    return 0;
}
catch (Exception ex) when (ex is GatewayConfigurationException or LlmConfigurationException)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("The gateway did not start. Fix the configuration above (appsettings.json, environment variables or command line) and run it again.");
    return 1;
}
