using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Wasm.Abi;

namespace Mostlyucid.LlmBackend.Wasm.Backend;

/// <summary>What a loaded plugin said about itself, and the configuration it is given.</summary>
internal sealed record PluginDescriptor
{
    /// <summary>Gets the name the plugin reports.</summary>
    public required string Name { get; init; }

    /// <summary>Gets its configuration schema.</summary>
    public required ConfigSchema Schema { get; init; }

    /// <summary>Gets the validated configuration sent with every call (the backend's own API key included).</summary>
    public required JsonObject Configuration { get; init; }

    /// <summary>Gets where its requests may go.</summary>
    public required AllowedHosts AllowedHosts { get; init; }

    /// <summary>
    /// Gets whether it does its own HTTP through the host (QueryMT's in-plugin exports <c>chat</c>, <c>chat_stream</c>,
    /// <c>embed</c>, <c>complete</c>, <c>list_models</c>), because it lacks the request/parse exports.
    /// </summary>
    public bool InPlugin { get; init; }

    /// <summary>Gets whether it can parse streams.</summary>
    public bool CanStream { get; init; }

    /// <summary>Gets whether it can embed.</summary>
    public bool CanEmbed { get; init; }

    /// <summary>Gets whether it has legacy completion exports.</summary>
    public bool CanComplete { get; init; }
}
