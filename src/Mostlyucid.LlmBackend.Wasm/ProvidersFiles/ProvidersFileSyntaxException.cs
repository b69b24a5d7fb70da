namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>A providers file that is not well-formed TOML, JSON or YAML (or uses something this host does not read).</summary>
internal sealed class ProvidersFileSyntaxException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="ProvidersFileSyntaxException"/> class.</summary>
    /// <param name="line">The line of the problem, from 1.</param>
    /// <param name="column">The column of the problem, from 1.</param>
    /// <param name="message">What is wrong and what to write instead.</param>
    public ProvidersFileSyntaxException(int line, int column, string message)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    /// <summary>Gets the line of the problem, from 1.</summary>
    public int Line { get; }

    /// <summary>Gets the column of the problem, from 1.</summary>
    public int Column { get; }

    /// <summary>
    /// Quotes a value for a message: short values whole, longer ones by their start only — a value in the wrong place may
    /// be a credential, and the line and column already say where it is.
    /// </summary>
    /// <param name="value">The value as written.</param>
    /// <returns>The value, or its first characters and an ellipsis.</returns>
    public static string Excerpt(string value) => value.Length <= 12 ? value : value[..8] + "…";
}
