using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Pipeline;

/// <summary>How a stage that refuses a request before it is routed answers: a failed response, or a stream that fails when first read.</summary>
internal static class Refusals
{
    /// <summary>A failed response carrying <paramref name="error"/> (no attempts were made).</summary>
    public static LlmResponse Response(LlmError error) => new()
    {
        Success = false,
        ErrorCode = error.Kind.ToString(),
        ErrorMessage = error.Message,
        Error = error,
    };

    /// <summary>A stream that throws <see cref="LlmBackendException"/> when first read, like every failure before the first update.</summary>
#pragma warning disable CS1998 // An async iterator that only throws.
    public static async IAsyncEnumerable<ChatStreamUpdate> Stream(LlmError error)
#pragma warning restore CS1998
    {
        throw new LlmBackendException(error, Array.Empty<BackendAttempt>());
#pragma warning disable CS0162 // Unreachable: the yield makes this an iterator.
        yield break;
#pragma warning restore CS0162
    }
}
