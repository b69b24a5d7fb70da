namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>Holds the gateway's configuration in use, in one place, swapped atomically when it is reloaded.</summary>
internal sealed class GatewayConfiguration
{
    private volatile GatewaySnapshot _current;

    public GatewayConfiguration(GatewaySnapshot initial)
    {
        _current = initial;
    }

    /// <summary>Gets the configuration in use; a request reads it once, when it begins.</summary>
    public GatewaySnapshot Current => _current;

    /// <summary>Swaps a reloaded configuration in: requests that begin from now on use it.</summary>
    /// <param name="next">The reloaded configuration (validated).</param>
    public void Swap(GatewaySnapshot next) => _current = next;
}
