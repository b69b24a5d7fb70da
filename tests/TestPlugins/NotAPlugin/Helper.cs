using Mostlyucid.LlmBackend.Models;

namespace TestPlugins.NotAPlugin;

/// <summary>Uses the contract but implements no plugin: the loader must say so, not crash.</summary>
public static class Helper
{
    public static ChatMessage Greeting() => new() { Role = ChatRole.User, Content = "hello" };
}
