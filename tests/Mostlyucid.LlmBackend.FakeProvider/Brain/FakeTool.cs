using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>A tool the request offered.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Description">Its description.</param>
/// <param name="Parameters">Its JSON Schema, as sent.</param>
public sealed record FakeTool(string Name, string? Description, JsonNode? Parameters);
