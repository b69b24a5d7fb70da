using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Pipeline;

namespace Mostlyucid.LlmBackend.Validation;

/// <summary>
/// The first pipeline stage: a request that <see cref="RequestValidator"/> refuses ends here, as an
/// <see cref="LlmErrorKind.InvalidRequest"/> naming the parameter, before any backend is chosen or called — so a caller's
/// mistake can never count against a backend or change what other callers get.
/// </summary>
internal sealed class ValidatingLlmService : DelegatingLlmService
{
    public ValidatingLlmService(ILlmService inner)
        : base(inner)
    {
    }

    public override Task<LlmResponse> CompleteAsync(LlmRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Task.FromResult(Refusals.Response(error)) : Inner.CompleteAsync(request, cancellationToken);

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Task.FromResult(Refusals.Response(error)) : Inner.ChatAsync(request, cancellationToken);

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Refusals.Stream(error) : Inner.StreamChatAsync(request, cancellationToken);

    public override Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Task.FromResult(new EmbeddingResponse { Error = error }) : Inner.EmbedAsync(request, cancellationToken);
}
