using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Interfaces;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>
/// Checks a request's model before anything is sent: it must be a route, a backend name or a configured model (the gateway
/// is strict where the library passes unknown models through), and the caller's key must allow it.
/// </summary>
internal static class ModelAccess
{
    /// <returns><see langword="null"/> when allowed; otherwise the status and a message listing what is available.</returns>
    public static (int Status, string Message, string Code)? Check(ILlmService llm, GatewayCaller caller, string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return (400, "you must provide a model parameter", "missing_model");
        }

        var known = llm.GetRoutableModels();
        var allowed = known.Where(m => caller.MayUse(m.Name)).Select(m => m.Name).ToArray();
        if (!known.Any(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase)))
        {
            return (404, $"The model `{model}` does not exist on this gateway. Available models: {string.Join(", ", allowed)}.", "model_not_found");
        }

        if (!caller.MayUse(model))
        {
            return (403, $"The API key '{caller.KeyName}' may not use the model `{model}`. It may use: {string.Join(", ", allowed)}.", "model_not_allowed");
        }

        return null;
    }
}
