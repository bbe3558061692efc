using System.Text.Json;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceApi.Onnx.Tests.Generation;

/// <summary>
/// The KV-cache batching contract against the independent GPT fixture: every prompt decodes the same greedy
/// ids and logprobs as PyTorch (1e-4) alone, batched with prompts of other lengths, and when it joins a batch
/// that is already decoding (continuous batching).
/// </summary>
public sealed class DecoderBatchingTests : IDisposable
{
    private const int Steps = 12;
    private static readonly string TinyGpt = Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt");
    private readonly IDecoderSession _session;

    public DecoderBatchingTests()
    {
        var backend = new OnnxBackend(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance));
        var model = Path.Combine(TinyGpt, "model.onnx");
        _session = backend.OpenDecoder(model, DecoderSignature.Read(backend.ReadSignature(model)), new SessionSettings(ExecutionProvider.Cpu, 1, 1, 0));
    }

    public static IReadOnlyList<(int[] Prompt, int[] Ids, double[] Logprobs)> Cases { get; } = LoadCases();

    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, Cases.Count));

    [Fact]
    public void Shape_IsReadFromTheGraph()
    {
        Assert.Equal("2 layers, KV 4×8 Float32, logits Float32, vocabulary 265, position_ids", _session.Shape.ToString());
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void GreedyAlone_MatchesPyTorch(int index)
    {
        var (ids, logprobs) = Decode([Cases[index].Prompt], joinAt: [0])[0];

        AssertCase(index, ids, logprobs);
    }

    [Fact]
    public void GreedyBatched_EveryPromptMatchesPyTorch()
    {
        var results = Decode(Cases.Select(c => c.Prompt).ToArray(), joinAt: new int[Cases.Count]);

        for (var i = 0; i < Cases.Count; i++)
        {
            AssertCase(i, results[i].Ids, results[i].Logprobs);
        }
    }

    [Fact]
    public void GreedyJoiningARunningBatch_EveryPromptMatchesPyTorch()
    {
        // Prompts join at different decode steps: their prefill shares a step with the others' decoding.
        var results = Decode(Cases.Select(c => c.Prompt).ToArray(), joinAt: [0, 3, 3, 7, 11]);

        for (var i = 0; i < Cases.Count; i++)
        {
            AssertCase(i, results[i].Ids, results[i].Logprobs);
        }
    }

    public void Dispose() => _session.Dispose();

    private static void AssertCase(int index, List<int> ids, List<double> logprobs)
    {
        Assert.Equal(Cases[index].Ids, ids);
        for (var i = 0; i < Steps; i++)
        {
            Assert.True(Math.Abs(Cases[index].Logprobs[i] - logprobs[i]) <= 1e-4, $"case {index} step {i}: {logprobs[i]} vs PyTorch {Cases[index].Logprobs[i]}");
        }
    }

    /// <summary>Greedy decoding of several prompts through shared steps; prompt i enters at global step joinAt[i].</summary>
    private List<(List<int> Ids, List<double> Logprobs)> Decode(int[][] prompts, int[] joinAt)
    {
        var shape = _session.Shape;
        var caches = prompts.Select(_ => new SequenceCache()).ToArray();
        var results = prompts.Select(_ => (Ids: new List<int>(), Logprobs: new List<double>())).ToArray();
        for (var global = 0; results.Any(r => r.Ids.Count < Steps); global++)
        {
            var active = Enumerable.Range(0, prompts.Length).Where(i => joinAt[i] <= global && results[i].Ids.Count < Steps).ToList();
            var rows = active.Select(i => results[i].Ids.Count == 0
                ? new DecoderRow(caches[i], prompts[i], 0)
                : new DecoderRow(caches[i], [results[i].Ids[^1]], caches[i].Length)).ToList();
            using var step = DecoderBatchAssembler.Assemble(shape, rows, padTokenId: 0);
            _session.Run(step);
            DecoderBatchAssembler.Absorb(step, rows);
            for (var r = 0; r < active.Count; r++)
            {
                var logits = step.Logits(r);
                var best = 0;
                for (var v = 1; v < logits.Length; v++)
                {
                    best = logits[v] > logits[best] ? v : best;
                }

                double sum = 0;
                foreach (var value in logits)
                {
                    sum += Math.Exp(value - logits[best]);
                }

                results[active[r]].Ids.Add(best);
                results[active[r]].Logprobs.Add(-Math.Log(sum));
            }
        }

        return [.. results];
    }

    private static List<(int[] Prompt, int[] Ids, double[] Logprobs)> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.ExpectedJson));
        return doc.RootElement.GetProperty("tiny-gpt").EnumerateArray().Select(c => (
            c.GetProperty("prompt_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
            c.GetProperty("greedy_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
            c.GetProperty("greedy_logprobs").EnumerateArray().Select(i => i.GetDouble()).ToArray())).ToList();
    }
}
