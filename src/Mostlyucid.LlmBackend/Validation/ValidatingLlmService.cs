using System.Runtime.CompilerServices;
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
        RequestValidator.Validate(request) is { } error ? Task.FromResult(Refused(error)) : Inner.CompleteAsync(request, cancellationToken);

    public override Task<LlmResponse> ChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Task.FromResult(Refused(error)) : Inner.ChatAsync(request, cancellationToken);

    public override IAsyncEnumerable<ChatStreamUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Throw(error, cancellationToken) : Inner.StreamChatAsync(request, cancellationToken);

    public override Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        RequestValidator.Validate(request) is { } error ? Task.FromResult(new EmbeddingResponse { Error = error }) : Inner.EmbedAsync(request, cancellationToken);

    private static LlmResponse Refused(LlmError error) => new()
    {
        Success = false,
        ErrorCode = nameof(LlmErrorKind.InvalidRequest),
        ErrorMessage = error.Message,
        Error = error,
    };

    // Thrown when the stream is first read, like every other failure before the first update.
#pragma warning disable CS1998 // An async iterator that only throws.
    private static async IAsyncEnumerable<ChatStreamUpdate> Throw(LlmError error, [EnumeratorCancellation] CancellationToken cancellationToken = default)
#pragma warning restore CS1998
    {
        throw new LlmBackendException(error, Array.Empty<BackendAttempt>());
#pragma warning disable CS0162 // Unreachable: the yield makes this an iterator.
        yield break;
#pragma warning restore CS0162
    }
}
