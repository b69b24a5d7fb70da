namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>A client's request the Responses endpoint refuses: the message (naming the field and what to send) and the field, OpenAI's <c>param</c>.</summary>
/// <param name="Message">What is wrong and what to do.</param>
/// <param name="Param">The offending field (<c>input[2].content[0].type</c>), if one.</param>
/// <param name="Status">The HTTP status: 400, or 404 for an id that is not known.</param>
/// <param name="Code">OpenAI's error <c>code</c>, if any.</param>
internal sealed record ResponsesProblem(string Message, string? Param, int Status = 400, string? Code = null)
{
    /// <summary>
    /// The problem a <see cref="Http.JsonFieldReader"/> recorded (<c>path: what is wrong</c>), with its path as the param;
    /// <see langword="null"/> when it recorded none.
    /// </summary>
    public static ResponsesProblem? From(Http.JsonFieldReader fields)
    {
        if (fields.Problem is not { } problem)
        {
            return null;
        }

        var colon = problem.IndexOf(": ", StringComparison.Ordinal);
        return new ResponsesProblem(problem, colon > 0 ? problem[..colon] : null);
    }
}
