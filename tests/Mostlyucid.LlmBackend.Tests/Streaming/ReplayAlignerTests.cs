using Mostlyucid.LlmBackend.Streaming;

namespace Mostlyucid.LlmBackend.Tests.Streaming;

public class ReplayAlignerTests
{
    [Theory]
    [InlineData("Once upon a", new[] { "Once ", "upon a time" }, " time")]
    [InlineData("Once upon a ", new[] { "Once upon a time" }, "time")]
    [InlineData("Once upon a ", new[] { "Once upon a", "\n\n", "time" }, "time")]
    [InlineData("Once upon a ti", new[] { "Once upon a time" }, "me")]
    [InlineData("Once  upon\na", new[] { "\n Once upon   a", " time" }, " time")]
    [InlineData("def f():\n", new[] { "def f():\n    return 1" }, "    return 1")]
    [InlineData("Para one.\n", new[] { "Para one.\n", "\nPara two." }, "\nPara two.")]
    [InlineData("One. ", new[] { "One.\n\nTwo." }, "Two.")]
    public void AnAnswerThatBeginsWithTheTextSent_IsAlignedWhereTheNewTextStarts(string sent, string[] deltas, string expected)
    {
        var aligner = new ReplayAligner(sent);
        var remainder = string.Empty;
        var step = ReplayAligner.Step.NeedMore;
        foreach (var delta in deltas)
        {
            step = aligner.Feed(delta, out remainder);
            if (step != ReplayAligner.Step.NeedMore)
            {
                break;
            }
        }

        Assert.Equal((ReplayAligner.Step.Aligned, expected), (step, remainder));
    }

    [Theory]
    [InlineData("Once upon a", "Once upon the")]
    [InlineData("Once upon a", "Onceupon a time")]
    [InlineData("Once upon a", "Once up on a time")]
    [InlineData("Hello", "hello there")]
    public void AnAnswerThatBeginsDifferently_Diverges_AndStaysDiverged(string sent, string answer)
    {
        var aligner = new ReplayAligner(sent);

        Assert.Equal(ReplayAligner.Step.Diverged, aligner.Feed(answer, out _));
        Assert.Equal(ReplayAligner.Step.Diverged, aligner.Feed(sent, out _));
        Assert.False(aligner.Covered);
    }

    [Fact]
    public void AnAnswerExactlyAsLongAsTheTextSent_IsCoveredButNeedsMoreToAlign()
    {
        var aligner = new ReplayAligner("The end.");

        Assert.Equal(ReplayAligner.Step.NeedMore, aligner.Feed("The end.", out var remainder));
        Assert.True(aligner.Covered);
        Assert.Equal(string.Empty, remainder);
    }
}
