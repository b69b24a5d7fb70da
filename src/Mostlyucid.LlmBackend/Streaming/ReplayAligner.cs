namespace Mostlyucid.LlmBackend.Streaming;

/// <summary>
/// Checks that a regenerated answer begins with the text the caller already has, compared exactly once whitespace is
/// normalised (runs of whitespace count as one space; leading whitespace is ignored), and finds where the new text goes
/// on from it. Fed the regenerated answer's deltas in order.
/// </summary>
internal sealed class ReplayAligner
{
    private readonly string _sent;

    // The whitespace the caller's text ends with, exactly as sent, and the regenerated answer's whitespace at that
    // point: only what the new run has beyond the old one is new (a newline then indentation keeps its indentation).
    private readonly string _sentTail;
    private readonly System.Text.StringBuilder _newTail = new();
    private int _matched;
    private bool _inWhitespace = true;
    private bool _divergedState;

    /// <summary>Creates an aligner for the text already sent.</summary>
    /// <param name="sent">What the caller already has.</param>
    public ReplayAligner(string sent)
    {
        _sent = Normalize(sent);
        var end = sent.Length;
        while (end > 0 && char.IsWhiteSpace(sent[end - 1]))
        {
            end--;
        }

        _sentTail = end == 0 ? string.Empty : sent[end..];
    }

    /// <summary>The result of feeding a delta.</summary>
    public enum Step
    {
        /// <summary>Everything so far agrees with the text already sent; more is needed.</summary>
        NeedMore,

        /// <summary>The text already sent is covered; the remainder is new.</summary>
        Aligned,

        /// <summary>The new text differs from the text already sent.</summary>
        Diverged,
    }

    /// <summary>Gets whether the whole text already sent has been matched (the rest may still be whitespace being skipped).</summary>
    public bool Covered => !_divergedState && _matched == _sent.Length;

    /// <summary>Feeds the next delta of the regenerated answer.</summary>
    /// <param name="delta">The delta.</param>
    /// <param name="remainder">When aligned, the part of <paramref name="delta"/> that follows the text already sent.</param>
    /// <returns>Whether the answer is aligned, needs more, or diverged.</returns>
    public Step Feed(string? delta, out string remainder)
    {
        remainder = string.Empty;
        if (_divergedState)
        {
            return Step.Diverged;
        }

        delta ??= string.Empty;
        for (var i = 0; i < delta.Length; i++)
        {
            var c = delta[i];
            var whitespace = char.IsWhiteSpace(c);
            if (_matched == _sent.Length)
            {
                // Covered. When what was sent ended with whitespace, the new answer's whitespace run there is collected.
                if (whitespace && _inWhitespace && _sentTail.Length > 0)
                {
                    _newTail.Append(c);
                    continue;
                }

                remainder = NewWhitespace() + delta[i..];
                return Step.Aligned;
            }

            if (whitespace)
            {
                if (!_inWhitespace)
                {
                    if (_sent[_matched] != ' ')
                    {
                        return Diverge();
                    }

                    _matched++;
                    _inWhitespace = true;
                    if (_matched == _sent.Length)
                    {
                        _newTail.Append(c);
                    }
                }
                else if (_matched == _sent.Length)
                {
                    _newTail.Append(c);
                }

                continue;
            }

            _inWhitespace = false;
            if (_sent[_matched] != c)
            {
                return Diverge();
            }

            _matched++;
        }

        return Step.NeedMore;
    }

    /// <summary>What the regenerated answer's whitespace at the join adds to what the caller already has.</summary>
    private string NewWhitespace()
    {
        var tail = _newTail.ToString();
        return tail.StartsWith(_sentTail, StringComparison.Ordinal) ? tail[_sentTail.Length..] : string.Empty;
    }

    /// <summary>Collapses runs of whitespace to one space and drops leading whitespace.</summary>
    public static string Normalize(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var inWhitespace = true;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!inWhitespace)
                {
                    builder.Append(' ');
                    inWhitespace = true;
                }

                continue;
            }

            inWhitespace = false;
            builder.Append(c);
        }

        return builder.ToString();
    }

    private Step Diverge()
    {
        _divergedState = true;
        return Step.Diverged;
    }
}
