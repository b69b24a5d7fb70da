using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;

namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>
/// Reads a providers file in QueryMT's format (<c>providers = [{ name, path, config }]</c>) — TOML, JSON or YAML by its
/// extension — into WebAssembly and native plugin backends. Syntax problems are reported with their line and column,
/// entry problems with the entry and field (<c>plugins.toml: providers[1].path</c>); every problem is reported.
/// </summary>
internal sealed class ProvidersFileReader : IProvidersFileReader
{
    private const string Setting = $"{LlmSettings.SectionName}:Plugins:ProvidersFile";
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
#if NET10_0_OR_GREATER
        AllowDuplicateProperties = false,
#endif
    };

    private readonly IReadOnlyList<string> _searchRoots;

    /// <summary>Initializes a new instance of the <see cref="ProvidersFileReader"/> class.</summary>
    /// <param name="searchRoots">Where a relative path is looked up, in order.</param>
    public ProvidersFileReader(IReadOnlyList<string> searchRoots)
    {
        _searchRoots = searchRoots;
    }

    /// <inheritdoc />
    public IReadOnlyList<ProvidersFileBackend> Read(string configuredPath, ICollection<string> problems)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuredPath);
        ArgumentNullException.ThrowIfNull(problems);
        var candidates = PluginSearchRoots.Candidates(configuredPath, _searchRoots);
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            problems.Add($"{Setting}: '{configuredPath}' does not exist (looked in {string.Join(", ", candidates)}).");
            return Array.Empty<ProvidersFileBackend>();
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".toml" or ".json" or ".yaml" or ".yml"))
        {
            problems.Add($"{Setting}: '{configuredPath}' has the extension '{extension}'; a providers file is TOML (.toml), JSON (.json) or YAML (.yaml, .yml), chosen by its extension.");
            return Array.Empty<ProvidersFileBackend>();
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{Setting}: '{path}' could not be read: {ex.Message}");
            return Array.Empty<ProvidersFileBackend>();
        }

        JsonNode? document;
        try
        {
            document = extension switch
            {
                ".toml" => TomlDocumentReader.Parse(text),
                ".json" => ParseJson(text),
                _ => YamlDocumentReader.Parse(text),
            };
        }
        catch (ProvidersFileSyntaxException ex)
        {
            problems.Add($"{configuredPath}:{ex.Line}:{ex.Column}: {ex.Message}.");
            return Array.Empty<ProvidersFileBackend>();
        }

        return ProvidersFileMapper.Map(document, configuredPath, Path.GetDirectoryName(path)!, problems);
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            var document = JsonNode.Parse(text, documentOptions: JsonOptions);
#if !NET10_0_OR_GREATER
            // Reading every object now surfaces a key defined twice (this runtime does not report it while parsing).
            _ = document?.ToJsonString();
#endif
            return document;
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is var at and >= 0 ? at : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
            throw new ProvidersFileSyntaxException((int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, message);
        }
        catch (ArgumentException ex)
        {
            throw new ProvidersFileSyntaxException(1, 1, $"a key is defined twice ({ex.Message.TrimEnd('.')}); a key is defined once");
        }
    }
}
