using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceApi.Onnx.Tests;

/// <summary>
/// Where the decoder's keys and values live between steps: a batch that keeps its rows runs on its last presents as
/// they are (nothing gathered), a joining prompt runs apart from the running rows, joining and leaving gather once, and
/// a sequence the session no longer holds is refused with a clear error rather than decoded from garbage. What the rows compute is DecoderBatchingTests' part.
/// </summary>
public sealed class OnnxDecoderSessionTests : IDisposable
{
    private static readonly int[] Prompt = [72, 101, 108, 108, 111];
    private readonly OnnxDecoderSession _session;

    public OnnxDecoderSessionTests()
    {
        var backend = new OnnxBackend(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance));
        var model = Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt", "model.onnx");
        _session = (OnnxDecoderSession)backend.OpenDecoder(model, DecoderSignature.Read(backend.ReadSignature(model)), new SessionSettings(ExecutionProvider.Cpu, 1, 1, 0));
    }

    [Fact]
    public void Run_BatchKeepsItsRows_DecodesOnTheLastPresentsWithoutGathering()
    {
        SequenceCache[] caches = [new(), new()];

        var next = Step(caches.Select(c => new DecoderRow(c, Prompt, 0)).ToArray());
        for (var i = 0; i < 3; i++)
        {
            next = Step(caches.Select((c, r) => new DecoderRow(c, [next[r]], c.Length)).ToArray());
        }

        // The prefill has no past: neither bound nor gathered.
        Assert.Equal((3L, 0L), _session.KvSteps);
        Assert.Equal(next[0], next[1]);
    }

    [Fact]
    public void Run_RowJoinsThenLeaves_GathersOnlyWhenTheRowsOrTheirLayoutChange()
    {
        var (first, second) = (new SequenceCache(), new SequenceCache());
        var a = Step([new DecoderRow(first, Prompt, 0)])[0];
        a = Step([new DecoderRow(first, [a], first.Length)])[0];

        // The prompt is wider than one token, so the running row's new token is padded: the next step re-lays it out.
        var joined = Step([new DecoderRow(first, [a], first.Length), new DecoderRow(second, Prompt[..3], 0)]);
        joined = Step([new DecoderRow(first, [joined[0]], first.Length), new DecoderRow(second, [joined[1]], second.Length)]);
        joined = Step([new DecoderRow(first, [joined[0]], first.Length), new DecoderRow(second, [joined[1]], second.Length)]);
        Step([new DecoderRow(second, [joined[1]], second.Length)]);

        // The join step runs in two parts: the running row on its own presents (bound), the prompt from nothing (neither:
        // a prompt has no past to bind or gather, like the first prefill). Gathered: the step after the join, the leave.
        Assert.Equal((3L, 2L), _session.KvSteps);
    }

    [Fact]
    public void Run_SequenceTheSessionNoLongerHolds_FailsWithBackendExceptionAndTheSessionStartsAfresh()
    {
        var (left, other, third) = (new SequenceCache(), new SequenceCache(), new SequenceCache());
        var a = Step([new DecoderRow(left, Prompt, 0)])[0];

        // The session keeps what two runs left that nobody continued (a step run in two parts needs both): a third is too many.
        Step([new DecoderRow(other, Prompt, 0)]);
        Step([new DecoderRow(third, Prompt, 0)]);

        var error = Assert.Throws<BackendException>(() => Step([new DecoderRow(left, [a], left.Length)]));

        Assert.Contains("this session no longer holds", error.Message, StringComparison.Ordinal);
        var fresh = new SequenceCache();
        var again = Step([new DecoderRow(fresh, Prompt, 0)]);
        Assert.Equal(a, again[0]);
    }

    public void Dispose() => _session.Dispose();

    /// <summary>One shared step, as the scheduler takes it; the greedy id of each row.</summary>
    private int[] Step(DecoderRow[] rows)
    {
        using var step = DecoderBatchAssembler.Assemble(_session.Shape, rows, padTokenId: 0);
        _session.Run(step);
        DecoderBatchAssembler.Absorb(step, rows);
        return rows.Select((_, r) => ArgMax(step.Logits(r))).ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var v = 1; v < logits.Length; v++)
        {
            best = logits[v] > logits[best] ? v : best;
        }

        return best;
    }
}
