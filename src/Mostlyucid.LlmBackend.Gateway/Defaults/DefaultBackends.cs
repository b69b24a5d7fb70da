using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Defaults;

/// <summary>
/// The gateway's embedded default configuration, used when the configuration lists no <c>LlmSettings:Backends</c> and
/// names no providers file (<c>LlmSettings:Plugins:ProvidersFile</c>): every
/// well-known provider, each enabled only when its key variable is set; a local Ollama when one answers; and — only when
/// none of those is usable — the Mock provider, which is announced at startup and names itself in every answer.
/// </summary>
internal static class DefaultBackends
{
    private const string ResourceName = "Mostlyucid.LlmBackend.Gateway.Defaults.llmsettings.defaults.json";

    /// <summary>Adds the defaults to <paramref name="configuration"/> when it has no backends of its own (in the settings or a providers file).</summary>
    /// <returns>What was decided, for the startup log.</returns>
    public static DefaultBackendsReport Apply(ConfigurationManager configuration, GatewaySettings settings, Func<string, string?> environment, Func<string, bool> ollamaAnswers)
    {
        if (configuration.GetSection("LlmSettings:Backends").GetChildren().Any()
            || !string.IsNullOrWhiteSpace(configuration["LlmSettings:Plugins:ProvidersFile"]))
        {
            return new DefaultBackendsReport(UsedDefaults: false, Enabled: Array.Empty<string>(), MockOnly: false, OllamaUrl: null);
        }

        if (!settings.UseDefaultBackends)
        {
            return new DefaultBackendsReport(UsedDefaults: false, Enabled: Array.Empty<string>(), MockOnly: false, OllamaUrl: null);
        }

        var json = Read();
        configuration.Sources.Insert(0, new JsonStreamConfigurationSource { Stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)) });

        var backends = JsonNode.Parse(json)!["LlmSettings"]!["Backends"]!.AsArray();
        var overrides = new Dictionary<string, string?>();
        var enabled = new List<string>();
        for (var i = 0; i < backends.Count; i++)
        {
            var name = backends[i]!["Name"]!.GetValue<string>();
            var variable = backends[i]!["EnabledIfSet"]?.GetValue<string>();
            if (variable is not null && !string.IsNullOrEmpty(environment(variable)))
            {
                enabled.Add(name);
            }
            else if (name == "Ollama" && ollamaAnswers(settings.OllamaUrl))
            {
                overrides[$"LlmSettings:Backends:{i}:Enabled"] = "true";
                overrides[$"LlmSettings:Backends:{i}:BaseUrl"] = settings.OllamaUrl;
                enabled.Add(name);
            }
        }

        var mockOnly = enabled.Count == 0;
        if (mockOnly)
        {
            var mock = backends.Select((b, i) => (Name: b!["Name"]!.GetValue<string>(), Index: i)).Single(b => b.Name == "Mock").Index;
            overrides[$"LlmSettings:Backends:{mock}:Enabled"] = "true";
            enabled.Add("Mock");
        }

        configuration.AddInMemoryCollection(overrides);
        return new DefaultBackendsReport(UsedDefaults: true, Enabled: enabled, MockOnly: mockOnly, OllamaUrl: settings.OllamaUrl);
    }

    /// <summary>Asks whether an Ollama server answers at <paramref name="url"/> within a second.</summary>
    public static bool OllamaAnswers(string url)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            using var response = client.GetAsync(new Uri(new Uri(url.TrimEnd('/') + "/"), "api/version")).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            return false;
        }
    }

    private static string Read()
    {
        using var stream = typeof(DefaultBackends).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The gateway's embedded defaults ({ResourceName}) are missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
