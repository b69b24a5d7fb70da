namespace Mostlyucid.LlmBackend.Wasm.Carriers;

/// <summary>A plugin call that did not return an output.</summary>
public sealed class PluginCallException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PluginCallException"/> class.</summary>
    /// <param name="failure">Why it failed.</param>
    /// <param name="message">What happened, for people.</param>
    public PluginCallException(PluginFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Initializes a new instance of the <see cref="PluginCallException"/> class.</summary>
    public PluginCallException()
        : this(PluginFailure.HostError, "The plugin call failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginCallException"/> class.</summary>
    /// <param name="message">What happened.</param>
    public PluginCallException(string message)
        : this(PluginFailure.HostError, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginCallException"/> class.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public PluginCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = PluginFailure.HostError;
    }

    /// <summary>Gets why the call failed.</summary>
    public PluginFailure Failure { get; }
}
