using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Pages;

/// <summary>
/// The dashboard's files, read once from the gateway assembly's embedded resources (nothing to build or install). Pages
/// name their scripts and styles with <c>?v=</c> and a hash of every file, so those can be cached for a year and a new
/// gateway version is still loaded at once.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "Mostlyucid.LlmBackend.Gateway.Dashboard.wwwroot.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".md"] = "text/plain; charset=utf-8",
    };

    private readonly Dictionary<string, DashboardAsset> _files;

    /// <summary>Initializes a new instance of the <see cref="DashboardAssets"/> class from the embedded resources.</summary>
    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var raw = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            raw[resource[Prefix.Length..]] = copy.ToArray();
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, content) in raw)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(content);
        }

        Version = Convert.ToHexString(hash.GetHashAndReset())[..12].ToLowerInvariant();
        _files = raw.ToDictionary(
            f => f.Key,
            f => new DashboardAsset(f.Key, ContentTypes.GetValueOrDefault(Path.GetExtension(f.Key), "application/octet-stream"), Versioned(f.Key, f.Value)),
            StringComparer.Ordinal);
    }

    /// <summary>Gets the version of the files, which pages put on the URLs of their scripts and styles.</summary>
    public string Version { get; }

    /// <summary>Gets a file by name (<c>overview.html</c>, <c>app.css</c>, <c>vendor/chart.umd.min.js</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The file, or <see langword="null"/>.</returns>
    public DashboardAsset? Find(string name) => _files.GetValueOrDefault(name);

    /// <summary>Gets the static files a browser may fetch (everything but the pages).</summary>
    /// <returns>Their names.</returns>
    public IEnumerable<string> StaticNames() => _files.Keys.Where(n => !n.EndsWith(".html", StringComparison.Ordinal));

    private byte[] Versioned(string name, byte[] content) =>
        name.EndsWith(".html", StringComparison.Ordinal) || name.EndsWith(".js", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace("{{v}}", Version, StringComparison.Ordinal))
            : content;
}
