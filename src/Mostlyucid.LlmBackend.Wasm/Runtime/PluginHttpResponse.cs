namespace Mostlyucid.LlmBackend.Wasm.Runtime;

/// <summary>A response a plugin opened as a stream: its status, headers and body, read chunk by chunk.</summary>
public sealed class PluginHttpResponse : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owner;

    /// <summary>Initializes a new instance of the <see cref="PluginHttpResponse"/> class.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="headers">The response headers (names in lower case).</param>
    /// <param name="body">The body, read as it arrives; <see langword="null"/> for a refusal that has none.</param>
    /// <param name="owner">What to dispose with the stream (the response), if anything.</param>
    public PluginHttpResponse(int status, IReadOnlyDictionary<string, string> headers, Stream? body, IAsyncDisposable? owner = null)
    {
        Status = status;
        Headers = headers;
        Body = body;
        _owner = owner;
    }

    /// <summary>Gets the HTTP status.</summary>
    public int Status { get; }

    /// <summary>Gets the response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the body.</summary>
    public Stream? Body { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Body is not null)
        {
            await Body.DisposeAsync().ConfigureAwait(false);
        }

        if (_owner is not null)
        {
            await _owner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
