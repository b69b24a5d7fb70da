using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Gemini;

/// <summary>The <c>Gemini</c> backend type is built in and its configuration is checked at startup.</summary>
public class GeminiProviderFactoryTests
{
    private static LlmBackendConfig Gemini() => new() { Name = "g", Type = "Gemini", ModelName = "gemini-2.5-flash", ApiKey = "k" };

    private static IReadOnlyList<string> ProblemsOf(LlmBackendConfig backend)
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(backend));
        return Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends()).Problems;
    }

    [Fact]
    public void GeminiType_IsBuiltIn_AndNeedsNoBaseUrl()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(Gemini()));

        var backend = Assert.Single(host.Llm.GetBackends());

        Assert.Equal("g", backend.Name);
    }

    [Fact]
    public void MissingApiKey_IsAProblemThatSaysHowToSetIt()
    {
        var backend = Gemini();
        backend.ApiKey = null;

        Assert.Contains(ProblemsOf(backend), p => p.EndsWith("ApiKey is required for Gemini (for example \"ApiKey\": \"${GEMINI_API_KEY}\").", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "v2/beta", "ApiVersion 'v2/beta' is not a Gemini API version (v1beta, v1, v1alpha).")]
    [InlineData("https://generativelanguage.googleapis.com/v1beta", "v1", "BaseUrl 'https://generativelanguage.googleapis.com/v1beta' already ends in an API version, which differs from ApiVersion 'v1'; give the version in one place.")]
    public void InconsistentVersions_AreProblems(string? baseUrl, string apiVersion, string expected)
    {
        var backend = Gemini();
        backend.BaseUrl = baseUrl;
        backend.ApiVersion = apiVersion;

        Assert.Contains(ProblemsOf(backend), p => p.EndsWith(expected, StringComparison.Ordinal));
    }
}
