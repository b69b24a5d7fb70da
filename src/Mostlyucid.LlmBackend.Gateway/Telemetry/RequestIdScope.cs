using System.Collections;

namespace Mostlyucid.LlmBackend.Gateway.Telemetry;

/// <summary>
/// The log scope of one request: <c>RequestId</c>, on every line logged while it is handled (shown by the console with
/// <c>IncludeScopes</c>, and a field of every structured log record).
/// </summary>
/// <param name="RequestId">The request's id.</param>
internal sealed record RequestIdScope(string RequestId) : IReadOnlyList<KeyValuePair<string, object>>
{
    /// <summary>The name the id has in logs and trace context.</summary>
    public const string Key = "llmb.request_id";

    public int Count => 1;

    public KeyValuePair<string, object> this[int index] =>
        index == 0 ? new KeyValuePair<string, object>("RequestId", RequestId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{RequestId}";
}
