// QuickStart: ask one question through mostlylucid.llmbackend and see which backend answered.
//   dotnet run --project samples/QuickStart -- "Why is the sky blue?"
// Backends (appsettings.json, tried by Priority): OpenAI when OPENAI_API_KEY is set; an OpenAI-compatible server at
// LOCAL_LLM_URL (default http://127.0.0.1:8000/v1: vLLM, LM Studio, llama.cpp…); and an in-app offline demo plugin.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;
using QuickStart;

var question = args.Length > 0 ? string.Join(' ', args) : "What does a gateway in front of LLM providers buy me?";

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddLlmBackend(builder.Configuration);
if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENAI_API_KEY")))
{
    // Added in code so the sample needs no key: configuration can do the same with "ApiKey": "${OPENAI_API_KEY}".
    builder.Configuration["LlmSettings:Backends:2:Name"] = "OpenAI";
    builder.Configuration["LlmSettings:Backends:2:Type"] = "OpenAI";
    builder.Configuration["LlmSettings:Backends:2:ApiKey"] = "${OPENAI_API_KEY}";
    builder.Configuration["LlmSettings:Backends:2:ModelName"] = "gpt-4o-mini";
    builder.Configuration["LlmSettings:Backends:2:Priority"] = "1";
}

using var host = builder.Build();
host.Services.GetRequiredService<LlmPluginLoader>().RegisterPlugin(new OfflineDemoPlugin());
await host.StartAsync();

var llm = host.Services.GetRequiredService<ILlmService>();
Console.WriteLine($"Question: {question}");
var response = await llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Role = ChatRole.User, Content = question } } });

Console.WriteLine();
foreach (var attempt in response.Attempts)
{
    Console.WriteLine(attempt.Success
        ? $"  tried {attempt.BackendName}: answered in {attempt.DurationMs} ms"
        : $"  tried {attempt.BackendName}: {attempt.Error!.Kind} - {attempt.Error.Message}");
}

Console.WriteLine();
Console.WriteLine(response.Success
    ? $"Answer from {response.BackendUsed} ({response.ModelUsed}, {response.TotalTokens} tokens):{Environment.NewLine}{response.Content}"
    : $"No answer: {response.ErrorMessage}");

await host.StopAsync();
return response.Success ? 0 : 1;
