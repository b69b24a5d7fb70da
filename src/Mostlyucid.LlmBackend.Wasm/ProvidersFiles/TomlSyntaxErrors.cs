using System.Globalization;
using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

/// <summary>
/// Turns Tomlyn's diagnostics into <see cref="ProvidersFileSyntaxException"/>s: the first error, with its line and column
/// from 1, and a message that quotes nothing from the file beyond a short excerpt — a value in the wrong place may be a
/// credential, and the line and column already say where it is.
/// </summary>
internal static partial class TomlSyntaxErrors
{
    /// <summary>Checks a whole document with Tomlyn's validator: its syntax, and that no key or table is defined twice.</summary>
    /// <param name="text">The document.</param>
    /// <exception cref="ProvidersFileSyntaxException">The first error found.</exception>
    public static void ThrowIfInvalid(string text)
    {
        var document = SyntaxParser.Parse(text, sourceName: null, validate: true);
        var error = document.Diagnostics.FirstOrDefault(d => d.Kind == DiagnosticMessageKind.Error && !IsAcrossArrayElements(d, document));
        if (error is not null)
        {
            var start = error.Span.Start;
            throw new ProvidersFileSyntaxException(start.Line + 1, start.Column + 1, Redact(error.Message));
        }
    }

    /// <summary>Converts an error Tomlyn threw while reading.</summary>
    /// <param name="exception">The error.</param>
    /// <returns>The same error, located and without the file's text.</returns>
    public static ProvidersFileSyntaxException From(TomlException exception)
    {
        var message = exception.Diagnostics?.FirstOrDefault(d => d.Kind == DiagnosticMessageKind.Error)?.Message ?? exception.Message;
        return new ProvidersFileSyntaxException(Math.Max(exception.Line ?? 1, 1), Math.Max(exception.Column ?? 1, 1), Redact(message));
    }

    /// <summary>Drops the quoted earlier definition from "already defined" errors and shortens every other quotation.</summary>
    /// <param name="message">Tomlyn's message.</param>
    /// <returns>The message without the file's text.</returns>
    internal static string Redact(string message)
    {
        var withoutEarlier = EarlierDefinition().Replace(message, " ");
        var shortened = Quotation().Replace(withoutEarlier, m => m.Groups["open"].Value + ProvidersFileSyntaxException.Excerpt(m.Groups["text"].Value) + m.Groups["close"].Value);
        return shortened.Trim().TrimEnd('.');
    }

    /// <summary>
    /// Tomlyn's validator (2.11.1) files a <c>[p.x]</c> header under the next element of <c>[[p]]</c>, so a later element
    /// that sets <c>x</c> another way (<c>x = { … }</c>) is reported as a redefinition (xoofx/Tomlyn#74). Two definitions
    /// with an <c>[[p]]</c> header between them are in different elements of <c>p</c> and never conflict.
    /// </summary>
    private static bool IsAcrossArrayElements(DiagnosticMessage error, DocumentSyntax document)
    {
        var match = AlreadyDefined().Match(error.Message);
        var element = match.Success ? match.Groups["path"].Value.LastIndexOf(".[", StringComparison.Ordinal) : -1;
        if (element < 0)
        {
            return false;
        }

        var array = string.Join('.', match.Groups["path"].Value[..element].Split('.').Where(part => !part.StartsWith('[')));
        var earlier = (Line: Number(match.Groups["line"]) - 1, Column: Number(match.Groups["column"]) - 1);
        var redefined = (error.Span.Start.Line, error.Span.Start.Column);
        foreach (var table in document.Tables)
        {
            var header = (table.Span.Start.Line, table.Span.Start.Column);
            if (table is TableArraySyntax { Name: { } name } && KeyText(name) == array && header.CompareTo(earlier) > 0 && header.CompareTo(redefined) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int Number(Group group) => int.Parse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string KeyText(KeySyntax key)
    {
        var parts = new List<string?> { Part(key.Key) };
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(Part(dotted.Key));
        }

        return string.Join('.', parts);
    }

    private static string? Part(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text,
        StringValueSyntax quoted => quoted.Value,
        _ => null,
    };

    [GeneratedRegex(@"^The key `(?<path>.+)` is already defined at \((?<line>[0-9]+),(?<column>[0-9]+)\)", RegexOptions.Singleline)]
    private static partial Regex AlreadyDefined();

    // "The key `a` is already defined at (1,1) with `a = "…"` and cannot be redefined": the part after "with" is the
    // earlier line, value and all.
    [GeneratedRegex(" with `.*` (?=and cannot be redefined)", RegexOptions.Singleline)]
    private static partial Regex EarlierDefinition();

    [GeneratedRegex("(?<open>`)(?<text>[^`]*)(?<close>`)|(?<open>\\[)(?<text>[^\\]\\r\\n]*)(?<close>\\])|(?<open>\")(?<text>[^\"\\r\\n]*)(?<close>\")")]
    private static partial Regex Quotation();
}
