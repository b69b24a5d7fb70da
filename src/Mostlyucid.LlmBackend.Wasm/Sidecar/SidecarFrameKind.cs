namespace Mostlyucid.LlmBackend.Wasm.Sidecar;

/// <summary>The kinds of frame exchanged with the sidecar (see <c>sidecar/protocol.mjs</c>, which must agree).</summary>
internal enum SidecarFrameKind : byte
{
    /// <summary>Host → sidecar: load a plugin.</summary>
    Load = 1,

    /// <summary>Host → sidecar: call a plugin function.</summary>
    Call = 2,

    /// <summary>Host → sidecar: unload a plugin.</summary>
    Unload = 3,

    /// <summary>Host → sidecar: the answer to an HTTP request a plugin asked for.</summary>
    HttpReply = 4,

    /// <summary>Sidecar → host: a request succeeded.</summary>
    Ok = 10,

    /// <summary>Sidecar → host: a request failed.</summary>
    Error = 11,

    /// <summary>Sidecar → host: a plugin's log line.</summary>
    Log = 12,

    /// <summary>Sidecar → host: a plugin asks the host to send an HTTP request.</summary>
    HttpRequest = 13,

    /// <summary>Sidecar → host: the sidecar is ready.</summary>
    Ready = 14,
}
