namespace Mostlyucid.LlmBackend.Plugins;

/// <summary>What a DLL is, as far as plugin loading cares, read from its metadata without loading it.</summary>
internal enum PluginAssemblyKind
{
    /// <summary>References the contract assembly: may contain plugins.</summary>
    Candidate = 0,

    /// <summary>Not a .NET assembly (a native library, or not a PE file at all).</summary>
    NotDotNet,

    /// <summary>A .NET assembly that does not reference the contract, so it cannot implement ILlmBackendPlugin.</summary>
    NoContractReference,

    /// <summary>A copy of the contract assembly itself.</summary>
    ContractAssembly,

    /// <summary>References a newer major version of the contract than this host has.</summary>
    NewerContract,
}
