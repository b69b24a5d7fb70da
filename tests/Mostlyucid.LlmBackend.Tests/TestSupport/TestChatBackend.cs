using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// A hand-written backend for router tests that implements only the interface (not BaseLlmBackend), so the router must
/// do the bookkeeping. <see cref="Handler"/> decides each answer; the default answers "&lt;name&gt;: &lt;last message&gt;".
/// </summary>
public sealed class TestChatBackend : ILlmBackend
{
    private int _calls;

    public TestChatBackend(string name)
    {
        Name = name;
        Handler = (request, _) => Task.FromResult(new LlmResponse
        {
            Success = true,
            Content = $"{name}: {request.Messages[^1].Content}",
            ModelUsed = name + "-model",
            FinishReason = "stop",
            TotalTokens = 2,
        });
    }

    public string Name { get; }

    public Func<ChatRequest, CancellationToken, Task<LlmResponse>> Handler { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = request.Prompt } } }, cancellationToken);

    public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Handler(request, cancellationToken);
    }

    public Task<BackendHealth> GetHealthAsync() => Task.FromResult(new BackendHealth { BackendName = Name });

    /// <summary>Makes every call fail the way a plugin reports a provider error.</summary>
    public TestChatBackend FailingWith(string code, string message)
    {
        Handler = (_, _) => Task.FromResult(new LlmResponse { Success = false, ErrorCode = code, ErrorMessage = message, BackendUsed = Name });
        return this;
    }
}
