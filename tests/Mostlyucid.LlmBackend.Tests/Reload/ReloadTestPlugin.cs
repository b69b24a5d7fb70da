using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Tests.Reload;

/// <summary>A plugin whose every created backend is a new <see cref="ReloadTestBackend"/>, kept so a test can see which object answered.</summary>
public sealed class ReloadTestPlugin : ILlmBackendPlugin
{
    public const string BackendType = "Reloadable";

    private readonly object _gate = new();
    private readonly List<ReloadTestBackend> _created = new();

    public IReadOnlyList<ReloadTestBackend> Created
    {
        get
        {
            lock (_gate)
            {
                return _created.ToArray();
            }
        }
    }

    /// <summary>Gets or sets whether backends made from now on hold every call until the test opens <see cref="Gate"/>.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public string PluginId => "tests.reloadable";

    public string PluginName => "Reloadable test plugin";

    public string Version => "1.0.0";

    public string Author => "tests";

    public string Description => "A new backend object for every creation.";

    public IEnumerable<string> SupportedBackendTypes => new[] { BackendType };

    public ReloadTestBackend Latest(string name) => Created.Last(b => b.Name == name);

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory)
    {
        if (config.ProviderOptions.ContainsKey("FailToCreate"))
        {
            throw new InvalidOperationException("this backend refuses to be created");
        }

        var backend = new ReloadTestBackend(config.Name, config.ModelName, Gate);
        lock (_gate)
        {
            _created.Add(backend);
        }

        return backend;
    }

    public bool Validate() => true;
}

/// <summary>Answers "NAME/MODEL" (or fails, when told), counting its calls; records its disposal.</summary>
public sealed class ReloadTestBackend(string name, string? model, TaskCompletionSource? gate) : ILlmBackend, IDisposable
{
    private int _calls;

    public string Name { get; } = name;

    public string? Model { get; } = model;

    public bool Failing { get; set; }

    public bool Disposed { get; private set; }

    public int Calls => Volatile.Read(ref _calls);

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken = default) => Task.FromResult(!Disposed);

    public Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) => AnswerAsync(cancellationToken);

    public Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => AnswerAsync(cancellationToken);

    public Task<BackendHealth> GetHealthAsync() => Task.FromResult(new BackendHealth { BackendName = Name });

    public void Dispose() => Disposed = true;

    private async Task<LlmResponse> AnswerAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (gate is not null)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Disposed)
        {
            throw new ObjectDisposedException(Name, "a disposed backend was called");
        }

        return Failing
            ? new LlmResponse { Success = false, ErrorCode = "ServiceUnavailable", ErrorMessage = "down", BackendUsed = Name }
            : new LlmResponse { Success = true, Content = $"{Name}/{Model}", BackendUsed = Name, ModelUsed = Model };
    }
}
