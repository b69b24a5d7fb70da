namespace Mostlyucid.LlmBackend.Wasm.Backend;

/// <summary>
/// The hosts a plugin's requests may go to: exact names, or <c>*.example.com</c> for every subdomain. Anything else is
/// refused before a byte is sent.
/// </summary>
internal sealed class AllowedHosts
{
    private readonly string[] _hosts;

    public AllowedHosts(IEnumerable<string> hosts) =>
        _hosts = hosts.Select(h => h.Trim().ToLowerInvariant()).Where(h => h.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Gets whether a request to this address may be sent.</summary>
    public bool Allows(Uri uri)
    {
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        return _hosts.Any(allowed => allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.Ordinal)
            : host == allowed);
    }

    /// <summary>Lists the hosts, for messages.</summary>
    public override string ToString() => _hosts.Length == 0 ? "none" : string.Join(", ", _hosts);
}
