using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>Whether two settings objects say the same thing: their JSON, every public setting included, is byte for byte equal.</summary>
internal static class SettingsComparison
{
    /// <summary>Gets whether two backends' effective (expanded, validated) configurations are the same.</summary>
    public static bool Same(LlmBackendConfig a, LlmBackendConfig b) => Same(a, b, SettingsJsonContext.Default.LlmBackendConfig);

    /// <summary>Gets whether two routes are the same.</summary>
    public static bool Same(RouteConfig a, RouteConfig b) => Same(a, b, SettingsJsonContext.Default.RouteConfig);

    /// <summary>Gets whether two settings objects of a kind are the same.</summary>
    public static bool Same<T>(T a, T b, JsonTypeInfo<T> info) =>
        ReferenceEquals(a, b) || JsonSerializer.SerializeToUtf8Bytes(a, info).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, info));
}
