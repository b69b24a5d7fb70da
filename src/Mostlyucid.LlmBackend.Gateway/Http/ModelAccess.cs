using Mostlyucid.LlmBackend.Gateway.Auth;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

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
        if (!IsKnown(known, model))
        {
            return (404, $"The model `{Shorten(model)}` does not exist on this gateway. Available models: {Allowed(known, caller)}.", "model_not_found");
        }

        if (!caller.MayUse(model))
        {
            return (403, $"The API key '{caller.KeyName}' may not use the model `{Shorten(model)}`. It may use: {Allowed(known, caller)}.", "model_not_allowed");
        }

        return null;
    }

    private static bool IsKnown(IReadOnlyList<RoutableModel> known, string model)
    {
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(known[i].Name, model, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A client's value as it is echoed in a message: at most 100 characters.</summary>
    private static string Shorten(string text) => text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "…");

    private static string Allowed(IReadOnlyList<RoutableModel> known, GatewayCaller caller) =>
        string.Join(", ", known.Where(m => caller.MayUse(m.Name)).Select(m => m.Name));
}
