namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>Finds the known name a mistyped one was probably meant to be (case-insensitive edit distance).</summary>
internal static class NameSuggestions
{
    /// <summary>Gets the closest known name, when one is close enough to be a typo.</summary>
    /// <param name="name">The name as written.</param>
    /// <param name="known">The names that exist.</param>
    /// <returns>The closest known name, or <see langword="null"/>.</returns>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        return known
            .Select(candidate => (Name: candidate, Distance: EditDistance(upper, candidate.ToUpperInvariant())))
            .Where(candidate => candidate.Distance <= Math.Max(2, name.Length / 4))
            .OrderBy(candidate => candidate.Distance)
            .FirstOrDefault().Name;
    }

    /// <summary>Gets " Did you mean 'X'?" for the closest known name, or an empty string.</summary>
    /// <param name="name">The name as written.</param>
    /// <param name="known">The names that exist.</param>
    /// <returns>The hint, starting with a space.</returns>
    public static string DidYouMean(string name, IEnumerable<string> known) =>
        Closest(name, known) is { } best ? $" Did you mean '{best}'?" : string.Empty;

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
