namespace Mostlyucid.LlmBackend.Models;

/// <summary>What a model name a request can use stands for.</summary>
public enum RoutableModelKind
{
    /// <summary>A virtual model from <c>LlmSettings:Routes</c>.</summary>
    Route = 0,

    /// <summary>A backend's name: that backend alone.</summary>
    Backend,

    /// <summary>A model some backends are configured with (<c>ModelName</c> or <c>EmbeddingModelName</c>).</summary>
    Model,
}
