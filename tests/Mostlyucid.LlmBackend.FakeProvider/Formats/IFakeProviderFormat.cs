using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Brain;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>
/// One provider's wire format on the fake server: which requests are its, where it carries the API key, how it answers
/// and how it writes errors. Implementations (public, parameterless constructor) are found by reflection, so a format is
/// one file of its own. Formats dispatch on the path themselves, so two formats may share a path (several providers have
/// <c>GET /v1/models</c>); pin a server to one format with <see cref="FakeProviderOptions.Format"/> when they do.
/// </summary>
public interface IFakeProviderFormat
{
    /// <summary>Gets the format's name (<c>openai</c>, <c>anthropic</c>, …), as recorded in <see cref="FakeConversation.Format"/>.</summary>
    string Name { get; }

    /// <summary>Gets whether a request belongs to this format (by path, and headers where paths are shared).</summary>
    bool Handles(HttpRequest request);

    /// <summary>Gets the API key the request carries in this format's header, if any.</summary>
    string? ApiKeyOf(HttpRequest request);

    /// <summary>Answers a request this format handles (auth and forced outages are already dealt with).</summary>
    /// <returns><see langword="false"/> when the path is not one of the format's endpoints (the server answers 404).</returns>
    Task<bool> HandleAsync(HttpContext context, FakeProviderServer server);

    /// <summary>Writes a failure in this format's error shape (before any body was written).</summary>
    Task WriteFailureAsync(HttpContext context, FakeFailure failure);
}
