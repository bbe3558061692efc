using System.Globalization;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Export;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// The tiny Llama-style decoder (RMSNorm, rotary embeddings, 4 query heads sharing 2 key/value heads, SwiGLU): the
/// cached decode matches the full forward, the exported decoder-with-past matches TorchSharp step by step through the
/// cache in float32 and in float16, the server reads the layout from the graph, and the server's own decoder path
/// decodes the same greedy tokens as TorchSharp.
/// </summary>
public sealed class LlamaOnnxExporterTests(TinyLlamaFixture fixture, ITestOutputHelper output) : IClassFixture<TinyLlamaFixture>, IDisposable
{
    private readonly ChapterTokenizer chapter = fixture.Chapter;
    private readonly TempDirectory scratch = new();

    /// <summary>The layouts real exports come in, by name (optimum ≥ 1.14 fp32 and fp16, no position_ids, legacy merged).</summary>
    public static TheoryData<string> Layouts => new(LayoutNames.Keys);

    private static Dictionary<string, DecoderGraphLayout> LayoutNames { get; } = new()
    {
        ["fp32"] = new(),
        ["fp16"] = new(DecoderPrecision.Float16),
        ["fp32-no-position-ids"] = new(PositionIds: false),
        ["fp32-merged"] = new(Merged: true),
        ["fp16-merged-no-position-ids"] = new(DecoderPrecision.Float16, PositionIds: false, Merged: true),
    };

    [Fact]
    public void Step_ThroughTheCache_MatchesTheFullForward()
    {
        using var model = TinyLlamas.Untrained(chapter.Tokenizer.VocabularySize);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = chapter.Prompts[0].Select(i => (long)i).ToArray();
        var full = model.forward(tensor(ids, [1, ids.Length]));

        var split = ids.Length - 3;
        var (_, past) = model.Step(tensor(ids[..split], [1, split]), ones(1, split, ScalarType.Int64), arange(split, ScalarType.Int64).unsqueeze(0), null);
        Assert.Equal([1, 2, split, 8], past[0].Key.shape);
        for (var i = split; i < ids.Length; i++)
        {
            var (logits, present) = model.Step(tensor(new[] { ids[i] }, [1, 1]), ones(1, i + 1, ScalarType.Int64), tensor(new long[] { i }, [1, 1]), past);
            past = present;
            Assert.True(logits[0, 0].sub(full[0, i]).abs().max().item<float>() <= 1e-5f, $"position {i}");
        }
    }

    [Fact]
    public void Step_LeftPaddedRow_MatchesTheSamePromptAlone()
    {
        using var model = TinyLlamas.Untrained(chapter.Tokenizer.VocabularySize);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var prompt = chapter.Prompts[2].Select(i => (long)i).ToArray();
        const int padding = 4;

        var (alone, _) = model.Step(tensor(prompt, [1, prompt.Length]), ones(1, prompt.Length, ScalarType.Int64), arange(prompt.Length, ScalarType.Int64).unsqueeze(0), null);
        var padded = new long[padding].Concat(prompt).ToArray();
        var mask = Enumerable.Repeat(0L, padding).Concat(Enumerable.Repeat(1L, prompt.Length)).ToArray();
        var positions = new long[padding].Concat(Enumerable.Range(0, prompt.Length).Select(i => (long)i)).ToArray();
        var (batched, _) = model.Step(tensor(padded, [1, padded.Length]), tensor(mask, [1, mask.Length]), tensor(positions, [1, positions.Length]), null);

        Assert.True(alone[0, -1].sub(batched[0, -1]).abs().max().item<float>() <= 1e-5f);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Check_OnnxMatchesTorchThroughTheCacheAndPaddingChangesNothing(string name)
    {
        var layout = LayoutNames[name];
        using var model = TinyLlamas.Untrained(chapter.Tokenizer.VocabularySize);
        var tolerance = LlamaOnnxExporter.Tolerance(layout);

        var parity = LlamaOnnxExporter.Check(model, LlamaOnnxExporter.Build(model, layout), chapter.Prompts, layout.Precision);

        using (no_grad())
        {
            using var logits = model.forward(tensor(chapter.Prompts[0].Select(i => (long)i).ToArray(), [1, chapter.Prompts[0].Length]));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: ONNX vs TorchSharp {parity.OnnxVsTorch:E3}, padded vs alone {parity.PaddedVsAlone:E3}; logits span ±{logits.abs().max().item<float>():F2}"));
        }

        Assert.True(parity.OnnxVsTorch <= tolerance, $"ONNX vs TorchSharp {parity.OnnxVsTorch}");
        Assert.True(parity.PaddedVsAlone <= tolerance, $"padded vs alone {parity.PaddedVsAlone}");
        Assert.Equal(DecoderParityCheck.Steps, parity.Steps);
    }

    [Theory]
    [InlineData("fp32", "KV 2×8 Float32, logits Float32, vocabulary 320, position_ids")]
    [InlineData("fp16", "KV 2×8 Float16, logits Float16, vocabulary 320, position_ids")]
    [InlineData("fp32-no-position-ids", "KV 2×8 Float32, logits Float32, vocabulary 320")]
    [InlineData("fp16-merged-no-position-ids", "KV 2×8 Float16, logits Float16, vocabulary 320, use_cache_branch")]
    public void Publish_WritesALlamaFolderTheServerReadsWithTwoKeyValueHeads(string name, string layout)
    {
        using var model = TinyLlamas.Untrained(chapter.Tokenizer.VocabularySize);
        var folder = Path.Combine(scratch.Path, "models", "llama", "1");

        LlamaOnnxExporter.Publish(model, folder, chapter.Directory, chapter.Prompts, chapter.EndOfText, LlamaOnnxExporter.Tolerance(LayoutNames[name]), LayoutNames[name]);

        var config = HfModelConfig.Load(Path.Combine(folder, "config.json"));
        var signature = OnnxSessionFactory.ReadSignature(Path.Combine(folder, "model.onnx"));
        Assert.Equal(["LlamaForCausalLM"], config.Architectures);
        Assert.Equal((4, 2, 8), (config.AttentionHeads, config.KeyValueHeads, config.HeadDim));
        Assert.Equal(ModelTask.TextGeneration, ModelTaskDetector.Detect(config, signature));
        Assert.Equal(320, chapter.Tokenizer.VocabularySize);
        Assert.Equal($"2 layers, {layout}", DecoderSignature.Read(signature, config).ToString());
        Assert.Equal([chapter.EndOfText], GenerationDefaults.Load(folder).EosTokenIds);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ServersDecoderPath_GreedyBatchedWithOtherPrompts_MatchesTorchSharp(string name)
    {
        var layout = LayoutNames[name];
        var model = fixture.Trained;
        var folder = Path.Combine(scratch.Path, $"served-{name}");
        LlamaOnnxExporter.Publish(model, folder, chapter.Directory, chapter.Prompts, chapter.EndOfText, LlamaOnnxExporter.Tolerance(layout), layout);
        using var reference = layout.Precision == DecoderPrecision.Float16 ? LlamaOnnxExporter.Float16WeightsCopy(model) : null;
        using var session = DecoderReference.OpenServed(folder);
        const int steps = 8;

        // The tiny model trained for a few seconds loops on one token even under the usual penalty: a strong one makes
        // every step's choice depend on the whole history, which is what this path must carry.
        const float penalty = 4f;
        var served = DecoderReference.GreedyThroughServerPath(session, chapter.Prompts, steps, penalty);

        for (var i = 0; i < chapter.Prompts.Length; i++)
        {
            var expected = DecoderReference.GreedyInTorch(reference ?? model, chapter.Prompts[i], steps, penalty: penalty);
            Assert.Equal(expected, served[i]);
            Assert.True(expected.Distinct().Count() >= 4, $"the reference greedy ids hardly vary: {string.Join(",", expected)}");
        }
    }

    public void Dispose() => scratch.Dispose();
}
