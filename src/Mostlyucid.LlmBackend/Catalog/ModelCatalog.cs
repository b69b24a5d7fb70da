using System.Text.Json;
using System.Text.RegularExpressions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Catalog;

/// <summary>
/// The model catalog: the file shipped in the assembly (prices from the providers' public pages, with their date) under
/// the entries of <c>LlmSettings:ModelCatalog</c>, which replace a shipped model with the same provider and id, or add
/// new ones. Lookups are case-insensitive and cost a dictionary read.
/// </summary>
internal sealed partial class ModelCatalog : IModelCatalog
{
    private const string ResourceName = "Mostlyucid.LlmBackend.Catalog.model-catalog.json";
    private static readonly Lazy<(CatalogFile File, IReadOnlyList<ModelCatalogEntry> Entries)> Shipped = new(ReadShipped);

    private readonly Dictionary<string, ModelCatalogEntry> _byProviderAndModel = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ModelCatalogEntry> _byModel = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="ModelCatalog"/> class from the shipped file and the configured entries.</summary>
    /// <param name="configured">The entries of <c>LlmSettings:ModelCatalog</c> (already validated).</param>
    public ModelCatalog(IEnumerable<ModelCatalogEntryConfig> configured)
    {
        var (file, shipped) = Shipped.Value;
        PricesAsOf = file.PricesAsOf;
        var fromConfiguration = configured.Select(FromConfig).ToList();
        var replaced = new HashSet<string>(fromConfiguration.Select(e => Key(e.Provider, e.Model)), StringComparer.OrdinalIgnoreCase);
        Entries = fromConfiguration.Concat(shipped.Where(e => !replaced.Contains(Key(e.Provider, e.Model)))).ToArray();

        // Configured entries come first, so they win every lookup they take part in.
        foreach (var entry in Entries)
        {
            foreach (var id in entry.Aliases.Prepend(entry.Model))
            {
                _byProviderAndModel.TryAdd(Key(entry.Provider, id), entry);
                _byModel.TryAdd(id, entry);
            }
        }
    }

    public string PricesAsOf { get; }

    public IReadOnlyList<ModelCatalogEntry> Entries { get; }

    /// <summary>Gets the catalog file's sources (provider → pricing page), for documentation and the CLI.</summary>
    public static IReadOnlyDictionary<string, string> Sources => Shipped.Value.File.Sources;

    public ModelCatalogEntry? Find(string? provider, string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        model = model.Trim();
        return Lookup(provider, model)
            ?? (UndatedSnapshot().Match(model) is { Success: true } dated ? Lookup(provider, model[..dated.Index]) : null);
    }

    private static string Key(string? provider, string model) => (provider ?? string.Empty) + "|" + model;

    private static ModelCatalogEntry FromConfig(ModelCatalogEntryConfig config) => new()
    {
        Provider = string.IsNullOrWhiteSpace(config.Provider) ? null : config.Provider.Trim(),
        Model = config.Model.Trim(),
        Aliases = config.Aliases.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToArray(),
        InputPerMillion = config.InputPerMillion,
        OutputPerMillion = config.OutputPerMillion,
        CachedInputPerMillion = config.CachedInputPerMillion,
        ContextWindow = config.ContextWindow,
        MaxOutputTokens = config.MaxOutputTokens,
        Capabilities = config.Capabilities.ToArray(),
        Source = "configuration",
    };

    private static (CatalogFile, IReadOnlyList<ModelCatalogEntry>) ReadShipped()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The model catalog ({ResourceName}) is missing from the Mostlyucid.LlmBackend assembly.");
        var file = JsonSerializer.Deserialize(stream, CatalogJsonContext.Default.CatalogFile)
            ?? throw new InvalidOperationException($"The model catalog ({ResourceName}) is empty.");
        var entries = file.Models.Select(m => new ModelCatalogEntry
        {
            Provider = m.Provider,
            Model = m.Model,
            Aliases = m.Aliases ?? (IReadOnlyList<string>)Array.Empty<string>(),
            InputPerMillion = m.InputPerMillion,
            OutputPerMillion = m.OutputPerMillion,
            CachedInputPerMillion = m.CachedInputPerMillion,
            ContextWindow = m.ContextWindow,
            MaxOutputTokens = m.MaxOutputTokens,
            Capabilities = m.Capabilities ?? (IReadOnlyList<string>)Array.Empty<string>(),
        }).ToArray();
        return (file, entries);
    }

    // A dated snapshot suffix: -2024-07-18 or -20241022.
    [GeneratedRegex(@"-(?:\d{4}-\d{2}-\d{2}|\d{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex UndatedSnapshot();

    private ModelCatalogEntry? Lookup(string? provider, string model) =>
        (provider is not null && _byProviderAndModel.TryGetValue(Key(provider, model), out var exact)) ? exact
        : _byProviderAndModel.TryGetValue(Key(null, model), out var anyProvider) ? anyProvider
        : _byModel.GetValueOrDefault(model);
}
