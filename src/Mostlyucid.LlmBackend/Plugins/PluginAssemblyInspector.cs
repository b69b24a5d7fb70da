using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Mostlyucid.LlmBackend.Plugins;

/// <summary>Reads a DLL's metadata (without loading it) to decide whether it can be a plugin for this host.</summary>
internal static class PluginAssemblyInspector
{
    public static (PluginAssemblyKind Kind, Version? ReferencedContractVersion) Inspect(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return (PluginAssemblyKind.NotDotNet, null);
            }

            var metadata = pe.GetMetadataReader();
            if (!metadata.IsAssembly)
            {
                return (PluginAssemblyKind.NotDotNet, null);
            }

            var ownName = metadata.GetString(metadata.GetAssemblyDefinition().Name);
            if (string.Equals(ownName, SharedAssemblies.ContractAssemblyName, StringComparison.OrdinalIgnoreCase))
            {
                return (PluginAssemblyKind.ContractAssembly, null);
            }

            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                if (string.Equals(metadata.GetString(reference.Name), SharedAssemblies.ContractAssemblyName, StringComparison.OrdinalIgnoreCase))
                {
                    var hostVersion = typeof(PluginAssemblyInspector).Assembly.GetName().Version!;
                    return reference.Version.Major > hostVersion.Major
                        ? (PluginAssemblyKind.NewerContract, reference.Version)
                        : (PluginAssemblyKind.Candidate, reference.Version);
                }
            }

            return (PluginAssemblyKind.NoContractReference, null);
        }
        catch (BadImageFormatException)
        {
            return (PluginAssemblyKind.NotDotNet, null);
        }
    }
}
