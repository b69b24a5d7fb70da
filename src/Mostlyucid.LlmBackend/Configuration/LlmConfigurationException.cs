using System.Text;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// The <c>LlmSettings</c> configuration cannot be used. <see cref="Problems"/> lists every problem found, each naming the
/// setting's path and what to do, so one fix-and-restart cycle is enough.
/// </summary>
public sealed class LlmConfigurationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlmConfigurationException"/> class.</summary>
    /// <param name="problems">Every problem found.</param>
    public LlmConfigurationException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Initializes a new instance of the <see cref="LlmConfigurationException"/> class.</summary>
    public LlmConfigurationException()
        : this(Array.Empty<string>())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmConfigurationException"/> class.</summary>
    /// <param name="message">The single problem.</param>
    public LlmConfigurationException(string message)
        : this(new[] { message })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmConfigurationException"/> class.</summary>
    /// <param name="message">The single problem.</param>
    /// <param name="innerException">The cause.</param>
    public LlmConfigurationException(string message, Exception innerException)
        : base(Format(new[] { message }), innerException)
    {
        Problems = new[] { message };
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems)
    {
        if (problems is null || problems.Count == 0)
        {
            return "The LlmSettings configuration is invalid.";
        }

        var text = new StringBuilder();
        text.Append("The LlmSettings configuration has ")
            .Append(problems.Count)
            .Append(problems.Count == 1 ? " problem:" : " problems:");
        foreach (var problem in problems)
        {
            text.Append(Environment.NewLine).Append("  - ").Append(problem);
        }

        return text.ToString();
    }
}
