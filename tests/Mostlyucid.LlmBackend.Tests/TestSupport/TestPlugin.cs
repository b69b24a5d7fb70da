using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>An in-memory plugin of type "Test" whose backends are <see cref="TestChatBackend"/>s the test can reach by name.</summary>
public sealed class TestPlugin : ILlmBackendPlugin
{
    public const string BackendType = "Test";

    public Dictionary<string, RecordingTestBackend> RecordingBackends { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ScriptedBackend> Scripted { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the clock scripted backends wait on.</summary>
    public TimeProvider ScriptClock { get; set; } = TimeProvider.System;

    public Dictionary<string, TestChatBackend> Backends { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string PluginId => "tests.in-memory";

    public string PluginName => "In-memory test plugin";

    public string Version => "1.0.0";

    public string Author => "tests";

    public string Description => "Backends controlled by the test.";

    public IEnumerable<string> SupportedBackendTypes => new[] { BackendType, "SelfRecording", "NonRecording", "Scripted" };

    public ILlmBackend CreateBackend(string backendType, LlmBackendConfig config, ILoggerFactory loggerFactory, IHttpClientFactory httpClientFactory)
    {
        if (backendType == "Scripted")
        {
            var scripted = new ScriptedBackend(config.Name, ScriptClock);
            Scripted[config.Name] = scripted;
            return scripted;
        }

        if (backendType != BackendType)
        {
            var recording = new RecordingTestBackend(config, loggerFactory.CreateLogger<RecordingTestBackend>(), recordsOutcomes: backendType == "SelfRecording");
            RecordingBackends[config.Name] = recording;
            return recording;
        }

        if (!Backends.TryGetValue(config.Name, out var backend))
        {
            backend = new TestChatBackend(config.Name);
            Backends[config.Name] = backend;
        }

        return backend;
    }

    public bool Validate() => true;
}
