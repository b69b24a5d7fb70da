using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm.ProvidersFiles;

namespace Mostlyucid.LlmBackend.Tests.Wasm.ProvidersFiles;

/// <summary>QueryMT's providers file, in its three formats, turned into plugin backends; and every problem in it named.</summary>
public sealed class ProvidersFileReaderTests : IDisposable
{
    private const string Toml = """
        [[providers]]
        name = "openai"
        path = "plugins/openai.wasm"
        [providers.config]
        base_url = "https://api.openai.com/v1"
        api_key = "${OPENAI_API_KEY}"
        model = "gpt-4o-mini"
        temperature = 0.3
        system = ["Be brief."]

        [[providers]]
        name = "local"
        path = "plugins/libprovider.so"
        priority = 5
        allowed_hosts = ["*.internal.example"]
        """;

    private const string Json = """
        {
          // JSON files may carry comments and trailing commas.
          "providers": [
            { "name": "openai", "path": "plugins/openai.wasm",
              "config": { "base_url": "https://api.openai.com/v1", "api_key": "${OPENAI_API_KEY}", "model": "gpt-4o-mini", "temperature": 0.3, "system": ["Be brief."] } },
            { "name": "local", "path": "plugins/libprovider.so", "priority": 5, "allowed_hosts": ["*.internal.example"], },
          ]
        }
        """;

    private const string Yaml = """
        providers:
          - name: openai
            path: plugins/openai.wasm
            config:
              base_url: https://api.openai.com/v1
              api_key: ${OPENAI_API_KEY}
              model: gpt-4o-mini
              temperature: 0.3
              system: [Be brief.]
          - name: local
            path: plugins/libprovider.so
            priority: 5
            allowed_hosts:
              - "*.internal.example"
        """;

    private readonly TempDirectory _directory = new();

    public ProvidersFileReaderTests()
    {
        Directory.CreateDirectory(_directory.Combine("plugins"));
        File.WriteAllBytes(_directory.Combine("plugins", "openai.wasm"), Array.Empty<byte>());
        File.WriteAllBytes(_directory.Combine("plugins", "libprovider.so"), Array.Empty<byte>());
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("providers.toml", Toml)]
    [InlineData("providers.json", Json)]
    [InlineData("providers.yaml", Yaml)]
    [InlineData("providers.yml", Yaml)]
    public void EachFormat_GivesTheSameBackends(string file, string content)
    {
        File.WriteAllText(_directory.Combine(file), content);
        var problems = new List<string>();

        var backends = new ProvidersFileReader(new[] { _directory.Path }).Read(file, problems);

        Assert.Empty(problems);
        Assert.Collection(
            backends,
            openai =>
            {
                Assert.Equal($"{file}: providers[0]", openai.Location);
                Assert.Equal("openai", openai.Backend.Name);
                Assert.Equal("Wasm", openai.Backend.Type);
                Assert.Equal(_directory.Combine("plugins", "openai.wasm"), openai.Backend.PluginPath);
                Assert.Equal("gpt-4o-mini", openai.Backend.ModelName);
                Assert.Equal(100, openai.Backend.Priority);
                var expected = JsonNode.Parse("""{"base_url":"https://api.openai.com/v1","api_key":"${OPENAI_API_KEY}","model":"gpt-4o-mini","temperature":0.3,"system":["Be brief."]}""");
                Assert.True(JsonNode.DeepEquals(expected, openai.Backend.PluginConfig), openai.Backend.PluginConfig?.ToJsonString());
            },
            local =>
            {
                Assert.Equal($"{file}: providers[1]", local.Location);
                Assert.Equal("Native", local.Backend.Type);
                Assert.Equal(_directory.Combine("plugins", "libprovider.so"), local.Backend.PluginPath);
                Assert.Null(local.Backend.PluginConfig);
                Assert.Equal(5, local.Backend.Priority);
                Assert.Equal(new[] { "*.internal.example" }, local.Backend.AllowedHosts);
            });
    }

    [Fact]
    public void EveryProblemOfEveryEntry_IsReported_NamingTheEntryAndField()
    {
        File.WriteAllText(_directory.Combine("bad.toml"), """
            colour = "blue"

            [[providers]]
            path = "plugins/openai.wasm"
            api_key = "sk-should-not-be-echoed"

            [[providers]]
            name = "registry"
            path = "oci://ghcr.io/querymt/openai:latest"

            [[providers]]
            name = "text"
            path = "plugins/readme.txt"
            config = "api_key=sk-should-not-be-echoed-either"
            priority = "high"

            [[providers]]
            name = "missing"
            path = "plugins/nowhere.wasm"
            allowed_hosts = "example.com"

            [[providers]]
            name = "fine"
            path = "plugins/openai.wasm"
            """);
        var problems = new List<string>();

        var backends = new ProvidersFileReader(new[] { _directory.Path }).Read("bad.toml", problems);

        Assert.Equal("fine", Assert.Single(backends).Backend.Name);
        Assert.Contains("bad.toml: 'colour' is not a key of a providers file", problems[0]);
        Assert.Contains(problems, p => p.StartsWith("bad.toml: providers[0]: 'api_key' is not a key of a providers entry", StringComparison.Ordinal) && p.Contains("plugin settings go in config"));
        Assert.Contains("bad.toml: providers[0]: 'name' is required.", problems);
        Assert.Contains(problems, p => p.StartsWith("bad.toml: providers[1].path: 'oci://ghcr.io/querymt/openai:latest' is a registry or URL reference", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("bad.toml: providers[2].path: 'plugins/readme.txt' must be a WebAssembly module (.wasm) or a native library", StringComparison.Ordinal));
        Assert.Contains("bad.toml: providers[2].config: must be a table of the plugin's settings, found a string.", problems);
        Assert.Contains("bad.toml: providers[2].priority: must be a whole number (lower is tried first), found a string.", problems);
        Assert.Contains(problems, p => p.StartsWith($"bad.toml: providers[3].path: '{_directory.Combine("plugins", "nowhere.wasm")}' does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("bad.toml: providers[3].allowed_hosts: must be a list of host names", StringComparison.Ordinal));
        Assert.Equal(9, problems.Count);
        Assert.DoesNotContain(problems, p => p.Contains("sk-should-not-be-echoed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("p.toml", "[[providers]]\nname = \"a\npath = \"x.wasm\"", "p.toml:2:10: Invalid newline in a string.")]
    [InlineData("p.json", "{\n  \"providers\": [\n    { \"name\": \"a\" \"path\": \"x.wasm\" }\n  ]\n}", "p.json:3:19: ")]
    [InlineData("p.yaml", "providers:\n  - name: a\n   path: x.wasm", "p.yaml:3:")]
    [InlineData("p.json", "{\"providers\": [], \"providers\": []}", "p.json:1:")]
    public void ASyntaxError_NamesTheFileLineAndColumn(string file, string content, string expected)
    {
        File.WriteAllText(_directory.Combine(file), content);
        var problems = new List<string>();

        var backends = new ProvidersFileReader(new[] { _directory.Path }).Read(file, problems);

        Assert.Empty(backends);
        Assert.StartsWith(expected, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatIsMissingOrOfAnotherFormat_IsNamedWithWhereItWasLookedFor()
    {
        File.WriteAllText(_directory.Combine("providers.ini"), "[providers]");
        var problems = new List<string>();
        var reader = new ProvidersFileReader(new[] { _directory.Path });

        reader.Read("absent.toml", problems);
        reader.Read("providers.ini", problems);

        Assert.Equal(
            new[]
            {
                $"LlmSettings:Plugins:ProvidersFile: 'absent.toml' does not exist (looked in {_directory.Combine("absent.toml")}).",
                "LlmSettings:Plugins:ProvidersFile: 'providers.ini' has the extension '.ini'; a providers file is TOML (.toml), JSON (.json) or YAML (.yaml, .yml), chosen by its extension.",
            },
            problems);
    }

    [Fact]
    public void AFileWithoutProviders_SaysHowToDeclareThem()
    {
        File.WriteAllText(_directory.Combine("empty.yaml"), "# nothing yet\n");
        File.WriteAllText(_directory.Combine("wrong.json"), """{"providers": {"name": "a"}}""");
        var problems = new List<string>();
        var reader = new ProvidersFileReader(new[] { _directory.Path });

        reader.Read("empty.yaml", problems);
        reader.Read("wrong.json", problems);

        Assert.StartsWith("empty.yaml: expected a table with a 'providers' list", problems[0], StringComparison.Ordinal);
        Assert.Equal("wrong.json: 'providers' is not a list: declare each plugin as a [[providers]] entry with a name and a path.", problems[1]);
    }
}
