using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Plugins;

/// <summary>A plugin instance the loader holds, with where it came from and its load context (null when not isolated).</summary>
internal sealed record LoadedPlugin(ILlmBackendPlugin Plugin, LlmPluginInfo Info, PluginLoadContext? LoadContext);
