using System.Text;

namespace Mostlyucid.LlmBackend.Gateway.Configuration;

/// <summary>
/// The configuration cannot be used: <see cref="Problems"/> lists every problem found in it — configuration files, the
/// <c>Gateway</c> section and the <c>LlmSettings</c> section together — so one fix-and-restart cycle is enough.
/// </summary>
public sealed class GatewayConfigurationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="GatewayConfigurationException"/> class.</summary>
    /// <param name="problems">Every problem found.</param>
    public GatewayConfigurationException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayConfigurationException"/> class.</summary>
    public GatewayConfigurationException()
        : this(Array.Empty<string>())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayConfigurationException"/> class.</summary>
    /// <param name="message">The single problem.</param>
    public GatewayConfigurationException(string message)
        : this(new[] { message })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GatewayConfigurationException"/> class.</summary>
    /// <param name="message">The single problem.</param>
    /// <param name="innerException">The cause.</param>
    public GatewayConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = new[] { message };
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems)
    {
        var text = new StringBuilder("The configuration has ").Append(problems.Count).Append(problems.Count == 1 ? " problem:" : " problems:");
        foreach (var problem in problems)
        {
            text.Append(Environment.NewLine).Append("  - ").Append(problem);
        }

        return text.ToString();
    }
}
