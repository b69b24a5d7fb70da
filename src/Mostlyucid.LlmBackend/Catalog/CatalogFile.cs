using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Catalog;

/// <summary>The shipped catalog file (<c>Catalog/model-catalog.json</c>, embedded).</summary>
internal sealed class CatalogFile
{
    public int Version { get; set; }

    public string PricesAsOf { get; set; } = string.Empty;

    public string Currency { get; set; } = "USD";

    public Dictionary<string, string> Sources { get; set; } = new();

    public List<CatalogFileModel> Models { get; set; } = new();
}

/// <summary>One model in the shipped catalog file.</summary>
internal sealed class CatalogFileModel
{
    public string? Provider { get; set; }

    public string Model { get; set; } = string.Empty;

    public List<string>? Aliases { get; set; }

    public decimal? InputPerMillion { get; set; }

    public decimal? OutputPerMillion { get; set; }

    public decimal? CachedInputPerMillion { get; set; }

    public int? ContextWindow { get; set; }

    public int? MaxOutputTokens { get; set; }

    public List<string>? Capabilities { get; set; }
}

/// <summary>Source-generated reading of the catalog file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CatalogFile))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext
{
}
