namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>Who shares cached answers (<c>LlmSettings:Caching:Scope</c>).</summary>
public enum CacheScope
{
    /// <summary>Every caller: an answer one key paid for is served to another key asking the same.</summary>
    Shared = 0,

    /// <summary>Each caller (<see cref="Models.LlmCallContext.CallerName"/>, a gateway key) has its own answers.</summary>
    Caller,
}
