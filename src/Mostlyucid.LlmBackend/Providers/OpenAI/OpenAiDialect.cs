namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>
/// How one OpenAI-compatible service differs from OpenAI's own API: its default address, whether it takes
/// <c>max_completion_tokens</c> and <c>stream_options</c>, whether it needs a key, whether it has embeddings.
/// </summary>
/// <param name="Name">The preset's name as configured (<c>Preset</c>), or the type's.</param>
/// <param name="DefaultBaseUrl">The service's public address, or <see langword="null"/> when <c>BaseUrl</c> is required.</param>
/// <param name="RequiresApiKey">Whether a request without a key is certain to fail.</param>
/// <param name="UsesMaxCompletionTokens">Whether the output limit is sent as <c>max_completion_tokens</c> rather than <c>max_tokens</c>.</param>
/// <param name="SendsStreamOptions">Whether <c>stream_options.include_usage</c> is sent (some services reject unknown fields).</param>
/// <param name="SupportsEmbeddings">Whether the service has <c>/embeddings</c>.</param>
internal sealed record OpenAiDialect(
    string Name,
    string? DefaultBaseUrl,
    bool RequiresApiKey,
    bool UsesMaxCompletionTokens,
    bool SendsStreamOptions,
    bool SupportsEmbeddings);
