using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Push_StopSplitAcrossPieces_EmitsTextBeforeItAndStops()
    {
        var matcher = new StopSequenceMatcher(["o w"]);

        var first = matcher.Push("Hel");
        var second = matcher.Push("lo wor");

        Assert.Equal(new StopSequenceResult("Hel", null), first);
        Assert.Equal("l", second.Text);
        Assert.True(second.Stopped);
        Assert.Equal("o w", second.StopSequence);
        Assert.Equal("Hell", first.Text + second.Text);
        Assert.True(matcher.Stopped);

        // After the stop, later pieces emit nothing and flush has nothing held.
        Assert.Equal(new StopSequenceResult("", "o w"), matcher.Push("ld"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Push_StopStartingInOnePieceAndEndingInALaterOne_IsHeldUntilDecided()
    {
        var matcher = new StopSequenceMatcher(["world"]);

        Assert.Equal("Hello ", matcher.Push("Hello wo").Text);
        Assert.Equal("wo", matcher.HeldBack);
        Assert.Equal("", matcher.Push("r").Text);
        var last = matcher.Push("ld!");

        Assert.Equal("", last.Text);
        Assert.True(last.Stopped);
    }

    [Fact]
    public void Push_PartialMatchThatDoesNotComplete_IsReleased()
    {
        var matcher = new StopSequenceMatcher(["o w"]);

        Assert.Equal("Hell", matcher.Push("Hello").Text);
        Assert.Equal("o", matcher.HeldBack);
        var next = matcher.Push(" there");

        Assert.Equal("o there", next.Text);
        Assert.False(next.Stopped);
        Assert.Equal("", matcher.HeldBack);
    }

    [Fact]
    public void Push_PartialMatchBrokenByNextPiece_ReleasesAndKeepsANewerPartial()
    {
        var matcher = new StopSequenceMatcher(["abc"]);

        Assert.Equal("", matcher.Push("ab").Text);
        // "ab" + "a" breaks the first partial, but the trailing "a" may start a new one.
        Assert.Equal("ab", matcher.Push("a").Text);
        Assert.Equal("a", matcher.HeldBack);
        var done = matcher.Push("bc tail");

        Assert.Equal("", done.Text);
        Assert.Equal("abc", done.StopSequence);
    }

    [Fact]
    public void Push_MultipleStopSequences_TheEarliestInTheTextWins()
    {
        var matcher = new StopSequenceMatcher(["END", "\n\n", "stop"]);

        Assert.Equal("one two ", matcher.Push("one two ").Text);
        var result = matcher.Push("three\n\nfour END");

        Assert.Equal("three", result.Text);
        Assert.Equal("\n\n", result.StopSequence);
    }

    [Fact]
    public void Push_MultipleStopSequences_HoldsBackTheLongestPossiblePrefix()
    {
        var matcher = new StopSequenceMatcher(["xy", "abcd"]);

        Assert.Equal("1", matcher.Push("1abc").Text);
        Assert.Equal("abc", matcher.HeldBack);
        // "abcx": "abcd" can no longer match, but the "x" may still start "xy".
        Assert.Equal("abc", matcher.Push("x").Text);
        Assert.Equal("x", matcher.HeldBack);
    }

    [Fact]
    public void Push_StopAtTheVeryStart_EmitsNothing()
    {
        var matcher = new StopSequenceMatcher(["###"]);

        var result = matcher.Push("### rest");

        Assert.Equal("", result.Text);
        Assert.Equal("###", result.StopSequence);
    }

    [Fact]
    public void Push_StopSpanningThreePieces_IsFound()
    {
        var matcher = new StopSequenceMatcher(["<|end|>"]);

        Assert.Equal("Answer", matcher.Push("Answer<|").Text);
        Assert.Equal("", matcher.Push("en").Text);
        var result = matcher.Push("d|>");

        Assert.Equal("", result.Text);
        Assert.True(result.Stopped);
    }

    [Fact]
    public void Flush_AtEndOfGeneration_ReleasesHeldBackText()
    {
        var matcher = new StopSequenceMatcher(["o w"]);

        Assert.Equal("Hell", matcher.Push("Hello").Text);

        Assert.Equal("o", matcher.Flush());
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Push_NoStopSequences_PassesEverythingThrough()
    {
        var matcher = new StopSequenceMatcher([]);

        Assert.Equal(new StopSequenceResult("anything", null), matcher.Push("anything"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Push_StreamedTextEqualsWholeTextCutAtTheStop()
    {
        const string whole = "The quick brown fox jumps over the lazy dog";
        var matcher = new StopSequenceMatcher(["lazy", "over the l"]);
        var emitted = "";
        var stopped = false;
        foreach (var piece in new[] { "The q", "uick b", "rown fox ju", "mps o", "ver th", "e la", "zy dog" })
        {
            var result = matcher.Push(piece);
            emitted += result.Text;
            if (result.Stopped)
            {
                stopped = true;
                break;
            }
        }

        Assert.True(stopped);
        Assert.Equal(whole[..whole.IndexOf("over the l", StringComparison.Ordinal)], emitted);
    }

    [Fact]
    public void Constructor_EmptyStopSequence_Throws()
    {
        Assert.Throws<ArgumentException>(() => new StopSequenceMatcher(["ok", ""]));
    }
}
