using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.Translation;

/// <summary>
/// Decides what of a request's <see cref="ProviderPassThrough"/> a backend sends: everything when the backend speaks the
/// format the caller wrote it in, nothing otherwise — each field and header left out is logged at Debug level.
/// </summary>
internal static class PassThroughFilter
{
    /// <summary>Gets the body fields to send, or <see langword="null"/> when there are none for this backend's format.</summary>
    /// <param name="request">The request.</param>
    /// <param name="backendFormat">The backend's wire format (<see cref="WireFormats"/>), or <see langword="null"/> when it speaks neither.</param>
    /// <param name="backendName">The backend, for the log.</param>
    /// <param name="provider">The provider, for the log.</param>
    /// <param name="logger">Where drops are logged.</param>
    /// <returns>The fields.</returns>
    public static IReadOnlyDictionary<string, JsonElement>? Fields(LlmRequestBase request, string? backendFormat, string backendName, string provider, ILogger logger)
    {
        if (request.PassThrough is not { } passThrough || passThrough.IsEmpty)
        {
            return null;
        }

        if (string.Equals(passThrough.Format, backendFormat, StringComparison.Ordinal))
        {
            return passThrough.Fields.Count > 0 ? passThrough.Fields : null;
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            foreach (var field in passThrough.Fields.Keys)
            {
                TranslationLog.DroppedField(logger, backendName, provider, passThrough.Format, field);
            }

            foreach (var header in passThrough.Headers.Keys)
            {
                TranslationLog.DroppedHeader(logger, backendName, provider, passThrough.Format, header);
            }
        }

        return null;
    }

    /// <summary>Adds the pass-through headers to a request when the backend speaks their format.</summary>
    /// <param name="message">The HTTP request to the provider.</param>
    /// <param name="request">The request.</param>
    /// <param name="backendFormat">The backend's wire format.</param>
    public static void AddHeaders(HttpRequestMessage message, LlmRequestBase request, string backendFormat)
    {
        if (request.PassThrough is not { } passThrough || !string.Equals(passThrough.Format, backendFormat, StringComparison.Ordinal))
        {
            return;
        }

        foreach (var (name, value) in passThrough.Headers)
        {
            message.Headers.Remove(name);
            message.Headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>Logs the options a provider has no place for, each that the request set.</summary>
    /// <param name="logger">Where drops are logged.</param>
    /// <param name="backendName">The backend.</param>
    /// <param name="provider">The provider.</param>
    /// <param name="options">Each option's wire name and whether the request set it.</param>
    public static void LogDroppedOptions(ILogger logger, string backendName, string provider, params (string Option, bool IsSet)[] options)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        foreach (var (option, isSet) in options)
        {
            if (isSet)
            {
                TranslationLog.DroppedOption(logger, backendName, provider, option);
            }
        }
    }
}
