using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Routing;

/// <summary>The backends a request tries, in order, and the model to ask them for.</summary>
/// <param name="Backends">The backends, most preferred first (empty when <paramref name="Error"/> is set).</param>
/// <param name="Model">
/// The model to send: the request's own model, or <see langword="null"/> when the request's model was a routing key (a
/// route or backend name) and each backend uses its configured model.
/// </param>
/// <param name="Error">Why nothing can be tried.</param>
/// <param name="Route">The route the request named, if it named one.</param>
internal sealed record RoutePlan(List<BackendEntry> Backends, string? Model, LlmError? Error, Configuration.RouteConfig? Route = null);
