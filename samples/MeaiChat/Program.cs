// MeaiChat: mostlylucid.llmbackend as a Microsoft.Extensions.AI IChatClient, inside a ChatClientBuilder pipeline with
// function invocation, streamed.
//   dotnet run --project samples/MeaiChat -- "What is the weather in Paris?"
// The "chat" route (appsettings.json) tries an OpenAI-compatible server at LOCAL_LLM_URL first — by default an address
// where nothing listens, so it fails over at once — then the built-in offline Mock backend, which calls the tool it is
// offered. MEAI and the library both have a ChatMessage and a ChatRole: this file uses MEAI's, and would alias the
// library's (using Llm = Mostlyucid.LlmBackend.Models;) if it needed them.
using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mostlyucid.LlmBackend.AI.DependencyInjection;
using Mostlyucid.LlmBackend.Services;

var question = args.Length > 0 ? string.Join(' ', args) : "What is the weather in Paris?";

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddLlmBackend(builder.Configuration);
builder.Services.AddLlmBackendChatClient("chat").UseFunctionInvocation();

using var host = builder.Build();
await host.StartAsync();

var chat = host.Services.GetRequiredService<IChatClient>();
var weather = AIFunctionFactory.Create(([Description("The city")] string city) => $"Sunny and 21 °C in {city}.", "get_weather", "Gets the weather in a city.");

Console.WriteLine($"You: {question}");
Console.Write("Assistant: ");
var updates = new List<ChatResponseUpdate>();
await foreach (var update in chat.GetStreamingResponseAsync(question, new ChatOptions { Tools = [weather] }))
{
    Console.Write(update.Text);
    updates.Add(update);
}

Console.WriteLine();
var response = updates.ToChatResponse();
var answeredBy = updates.LastOrDefault(u => u.AdditionalProperties?.ContainsKey("llmb.backend") == true)?.AdditionalProperties!["llmb.backend"];
Console.WriteLine($"(answered by backend '{answeredBy}', model {response.ModelId}; {response.Usage?.TotalTokenCount ?? 0} tokens)");
await host.StopAsync();
