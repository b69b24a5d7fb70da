using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Resilience;

namespace Mostlyucid.LlmBackend.Tests.Resilience;

public sealed class LlmErrorClassifierTests
{
    [Theory]
    [InlineData(400, LlmErrorKind.InvalidRequest, false)]
    [InlineData(405, LlmErrorKind.InvalidRequest, false)]
    [InlineData(409, LlmErrorKind.InvalidRequest, false)]
    [InlineData(415, LlmErrorKind.InvalidRequest, false)]
    [InlineData(431, LlmErrorKind.InvalidRequest, false)]
    [InlineData(429, LlmErrorKind.RateLimited, true)]
    [InlineData(503, LlmErrorKind.ServerError, true)]
    public void Status_IsClassified_AndOnlyTheBackendsOwnFailuresCount(int status, LlmErrorKind kind, bool counts)
    {
        var classified = LlmErrorClassifier.FromStatus(status, null, null);

        Assert.Equal(kind, classified);
        Assert.Equal(counts, LlmErrorClassifier.CountsAgainstBackend(new LlmError { Kind = classified, Message = "x" }));
    }

    [Fact]
    public void ExceptionThatSaysNothingAboutTheProvider_IsInternal_AndDoesNotCount()
    {
        var error = BackendExceptionErrors.From("b", new InvalidOperationException("Sequence contains no elements"));

        Assert.Equal(LlmErrorKind.Internal, error.Kind);
        Assert.False(LlmErrorClassifier.CountsAgainstBackend(error));
        Assert.Equal(ErrorDisposition.FailOver, LlmErrorClassifier.Disposition(error));
        Assert.DoesNotContain("Sequence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkException_IsTheBackends_AndSaysSoInPlainWords()
    {
        var error = BackendExceptionErrors.From("b", new HttpRequestException("Connection refused (127.0.0.1:9)"));

        Assert.Equal(LlmErrorKind.Network, error.Kind);
        Assert.True(LlmErrorClassifier.CountsAgainstBackend(error));
        Assert.Equal("Backend 'b' could not be reached, or the connection broke: Connection refused (127.0.0.1:9)", error.Message);
    }
}
