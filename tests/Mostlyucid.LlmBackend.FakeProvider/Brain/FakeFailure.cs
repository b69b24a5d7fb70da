namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>A failure to render in the request's wire format.</summary>
/// <param name="Kind">What failed.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Message">A message like the real provider's.</param>
/// <param name="RetryAfterSeconds">The Retry-After to send, if any.</param>
public sealed record FakeFailure(FakeFailureKind Kind, int Status, string Message, int? RetryAfterSeconds = null);
