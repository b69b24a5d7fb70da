using System.Text;
using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>A plugin stand-in whose functions return scripted outputs, for testing what the host does with them.</summary>
internal sealed class ScriptedCarrier : IPluginCarrier
{
    private readonly Dictionary<string, string> _outputs;

    public ScriptedCarrier(Dictionary<string, string> outputs) => _outputs = outputs;

    public string Path => "scripted.wasm";

    public IReadOnlySet<string> Exports => _outputs.Keys.ToHashSet();

    public List<string> Calls { get; } = new();

    public ValueTask<PluginCallResult> CallAsync(string function, ReadOnlyMemory<byte> input, PluginInstance? instance, CancellationToken cancellationToken)
    {
        Calls.Add(function);
        return ValueTask.FromResult(new PluginCallResult(Encoding.UTF8.GetBytes(_outputs[function]), new PluginInstance(1, 1)));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
