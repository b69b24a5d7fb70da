namespace Mostlyucid.LlmBackend.FakeProvider;

/// <summary>How a <see cref="FakeProviderServer"/> behaves.</summary>
public sealed class FakeProviderOptions
{
    /// <summary>
    /// Gets or sets the only wire format this server speaks (<c>openai</c>, <c>azure</c>, <c>anthropic</c>, …), for formats
    /// that share paths; <see langword="null"/> lets every format answer its own paths (OpenAI first).
    /// </summary>
    public string? Format { get; set; }

    /// <summary>Gets or sets the key clients must send (in each format's own header); <see langword="null"/> accepts any.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>Gets or sets the models the model-list endpoints return.</summary>
    public IList<string> Models { get; set; } = new List<string>();

    /// <summary>Gets or sets a value indicating whether a model not in <see cref="Models"/> is a 404, as on the real APIs.</summary>
    public bool RejectUnknownModels { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether OpenAI-format streams carry usage on their finish chunk even without
    /// <c>stream_options.include_usage</c>, as Mistral, Together and LM Studio do.
    /// </summary>
    public bool UsageOnFinishChunk { get; set; }

    /// <summary>Gets or sets the length of embedding vectors when a request does not ask for one. <value>The default is 8.</value></summary>
    public int EmbeddingDimensions { get; set; } = 8;

    /// <summary>Gets or sets the clock <see cref="Faults.FakeFault.For"/> windows are measured on.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the seed of the random that picks <c>flap=</c> faults, so a run can be repeated.</summary>
    public int Seed { get; set; } = 42;
}
