namespace Mostlyucid.LlmBackend.FakeProvider;

/// <summary>How a <see cref="FakeProviderServer"/> behaves.</summary>
public sealed class FakeProviderOptions
{
    /// <summary>Gets or sets the key clients must send (<c>Authorization: Bearer</c>); <see langword="null"/> accepts any.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>Gets or sets the models <c>GET /v1/models</c> lists.</summary>
    public IList<string> Models { get; set; } = new List<string> { "fake-model" };

    /// <summary>Gets or sets a value indicating whether a model not in <see cref="Models"/> is a 404, as on OpenAI.</summary>
    public bool RejectUnknownModels { get; set; }

    /// <summary>
    /// Gets or sets how the answer is made from the model name and the last user message. The default is
    /// <c>"Echo from {model}: {message}"</c>.
    /// </summary>
    public Func<string, string, string> Reply { get; set; } = static (model, lastUserMessage) => $"Echo from {model}: {lastUserMessage}";
}
