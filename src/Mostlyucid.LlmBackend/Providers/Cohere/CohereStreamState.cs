namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>
/// What a Cohere stream has shown so far: the response id, whether <c>message-end</c> arrived, and the position (0, 1, …)
/// given to each tool call in the order its <c>tool-call-start</c> came, keyed by the event's <c>index</c>, so every
/// fragment of one call carries the same <see cref="Models.ToolCallUpdate.Index"/>.
/// </summary>
internal sealed class CohereStreamState
{
    private readonly Dictionary<int, int> _toolCalls = new();
    private int _started;
    private int _lastToolCall = -1;

    /// <summary>Gets or sets the response id from <c>message-start</c>.</summary>
    public string? ResponseId { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>message-end</c> arrived.</summary>
    public bool Ended { get; set; }

    /// <summary>Gives a starting tool call the next position.</summary>
    /// <param name="eventIndex">The event's <c>index</c>, if it has one.</param>
    /// <returns>The call's position.</returns>
    public int StartToolCall(int? eventIndex)
    {
        _lastToolCall = _started++;
        if (eventIndex is { } key)
        {
            _toolCalls[key] = _lastToolCall;
        }

        return _lastToolCall;
    }

    /// <summary>Finds the position of the call a fragment belongs to: by the event's <c>index</c>, else the latest call.</summary>
    /// <param name="eventIndex">The event's <c>index</c>, if it has one.</param>
    /// <returns>The call's position.</returns>
    public int ToolCallIndex(int? eventIndex) =>
        eventIndex is { } key && _toolCalls.TryGetValue(key, out var position) ? position : Math.Max(_lastToolCall, 0);
}
