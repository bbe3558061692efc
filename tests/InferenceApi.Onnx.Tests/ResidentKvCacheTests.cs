using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;

namespace InferenceApi.Onnx.Tests;

/// <summary>
/// How long the decoder's key/value sets keep their size. Every generation starts short and grows, so sets sized for the
/// last generation's end must survive the next one's start instead of being shrunk and regrown every cycle; and sets must
/// still give memory back once the long sequences are gone for good.
/// </summary>
public sealed class ResidentKvCacheTests
{
    private const int Rows = 16;
    private const int PromptTokens = 16;
    private const int NewTokens = 100;
    private static readonly DecoderShape Shape = DecoderShape.Uniform(layers: 1, heads: 8, headDim: 64, vocabularySize: 10);

    [Fact]
    public void Prepare_GenerationsOfTheSameSize_AllocateNoNewBuffersOnceSteady()
    {
        var kv = new ResidentKvCache(Shape);
        var seen = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);

        var allocated = Enumerable.Range(0, 5).Select(_ => Generate(kv, Rows, seen)).ToArray();

        // The second generation starts beside the first one's last presents (kept until a third source evicts them), so
        // it takes one more set; from the third on, the same sets serve every generation.
        Assert.True(allocated[0] > 0);
        Assert.Equal([0, 0, 0], allocated[2..]);
    }

    [Fact]
    public void Prepare_OnlyShortRunsForTwoWindows_ShrinksTheSetsSizedForLongOnes()
    {
        var kv = new ResidentKvCache(Shape);
        Generate(kv, Rows, new HashSet<byte[]>(ReferenceEqualityComparer.Instance));
        var longest = kv.Bytes(Rows, 0, PromptTokens + NewTokens - 1);

        var present = Array.Empty<byte[]>();
        for (var i = 0; i < 600; i++)
        {
            using var step = DecoderBatchAssembler.Assemble(Shape, [new DecoderRow(new SequenceCache(), [1, 2, 3, 4], 0)], padTokenId: 0);
            (var past, present) = kv.Prepare(step);
            kv.Commit(step, past, present);
        }

        Assert.All(present, buffer => Assert.True(buffer.Length < longest / 4, $"{buffer.Length} bytes kept for runs that need {kv.Bytes(1, 0, 4)}"));
    }

    /// <summary>One generation of <paramref name="rows"/> sequences (prompt, then one token a step); the new buffers it allocated.</summary>
    private static int Generate(ResidentKvCache kv, int rows, HashSet<byte[]> seen)
    {
        var caches = Enumerable.Range(0, rows).Select(_ => new SequenceCache()).ToArray();
        var prompt = Enumerable.Range(1, PromptTokens).ToArray();
        var allocated = 0;
        for (var t = 0; t < NewTokens; t++)
        {
            var step = caches.Select(c => new DecoderRow(c, t == 0 ? prompt : [1], c.Length)).ToArray();
            using var run = DecoderBatchAssembler.Assemble(Shape, step, padTokenId: 0);
            var (past, present) = kv.Prepare(run);
            allocated += past.Concat(present).Count(seen.Add);
            kv.Commit(run, past, present);
            DecoderBatchAssembler.Absorb(run, step);
        }

        return allocated;
    }
}
