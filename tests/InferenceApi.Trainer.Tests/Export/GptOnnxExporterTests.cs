using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// The tiny GPT on a byte-level BPE learned from one Austen chapter: the cached decode matches the full forward,
/// the exported decoder-with-past matches TorchSharp step by step, and the server's own decoder path (its session,
/// batch assembler and sequence caches) decodes the same greedy tokens as TorchSharp.
/// </summary>
public sealed class GptOnnxExporterTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public GptOnnxExporterTests()
    {
        TokenizerDirectory = Path.Combine(temp.Path, "tokenizer");
        var text = TextCorpus.Paragraphs(string.Join('\n', File.ReadLines(Path.Combine(TestPaths.DataDirectory, "austen", "persuasion.txt")).Take(400)));
        ByteLevelBpeTrainer.Train([text], 320, [Gpt2TokenizerOptions.EndOfText]).Write(TokenizerDirectory);
        Tokenizer = Gpt2Tokenizer.Create(
            Path.Combine(TokenizerDirectory, "vocab.json"), Path.Combine(TokenizerDirectory, "merges.txt"), new Gpt2TokenizerOptions { ModelMaxLength = 48 });
        Prompts =
        [
            Tokenizer.Encode("Sir Walter Elliot, of Kellynch Hall", 40, truncate: true).Ids,
            Tokenizer.Encode("She", 40, truncate: true).Ids,
            Tokenizer.Encode("the baronetage", 40, truncate: true).Ids,
        ];
    }

    private string TokenizerDirectory { get; }

    private Gpt2Tokenizer Tokenizer { get; }

    private int[][] Prompts { get; }

    private TinyGpt NewModel()
    {
        manual_seed(11);
        return new TinyGpt(new GptOptions { VocabularySize = Tokenizer.VocabularySize, MaxPositions = 48, HiddenSize = 32, Heads = 4, Layers = 2, IntermediateSize = 64 });
    }

    [Fact]
    public void Prompts_HaveDifferentLengths_SoTheParityBatchIsPadded()
    {
        Assert.Equal(3, Prompts.Select(p => p.Length).Distinct().Count());
    }

    [Fact]
    public void Step_ThroughTheCache_MatchesTheFullForward()
    {
        using var model = NewModel();
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = Prompts[0].Select(i => (long)i).ToArray();
        var full = model.forward(tensor(ids, [1, ids.Length]));

        var split = ids.Length - 3;
        var (_, past) = model.Step(tensor(ids[..split], [1, split]), ones(1, split, ScalarType.Int64), arange(split, ScalarType.Int64).unsqueeze(0), null);
        for (var i = split; i < ids.Length; i++)
        {
            var (logits, present) = model.Step(tensor(new[] { ids[i] }, [1, 1]), ones(1, i + 1, ScalarType.Int64), tensor(new long[] { i }, [1, 1]), past);
            past = present;
            Assert.True(logits[0, 0].sub(full[0, i]).abs().max().item<float>() <= 1e-5f, $"position {i}");
        }
    }

    [Fact]
    public void Check_UntrainedModel_OnnxMatchesTorchThroughTheCacheAndPaddingChangesNothing()
    {
        using var model = NewModel();

        var parity = GptOnnxExporter.Check(model, Build(model), Prompts);

        Assert.True(parity.OnnxVsTorch <= GptOnnxExporter.DefaultTolerance, $"ONNX vs TorchSharp {parity.OnnxVsTorch}");
        Assert.True(parity.PaddedVsAlone <= GptOnnxExporter.DefaultTolerance, $"padded vs alone {parity.PaddedVsAlone}");
        Assert.Equal(GptOnnxExporter.ParitySteps, parity.Steps);
    }

    [Fact]
    public void Publish_WritesAFolderTheServerReadsAsADecoderWithPast()
    {
        using var model = NewModel();
        var folder = Path.Combine(temp.Path, "models", "gpt", "1");

        GptOnnxExporter.Publish(model, folder, TokenizerDirectory, Prompts, Tokenizer.EosTokenId!.Value);

        var config = HfModelConfig.Load(Path.Combine(folder, "config.json"));
        var signature = OnnxSessionFactory.ReadSignature(Path.Combine(folder, "model.onnx"));
        Assert.Equal(ModelTask.TextGeneration, ModelTaskDetector.Detect(config, signature));
        Assert.Equal($"2 layers, KV 4×8 Float32, logits Float32, vocabulary {Tokenizer.VocabularySize}, position_ids", DecoderSignature.Read(signature).ToString());
        Assert.Equal(48, config.MaxPositionEmbeddings);
        var served = Gpt2TokenizerLoader.Load(folder);
        Assert.Equal(Tokenizer.EosTokenId, served.EosTokenId);
        Assert.Equal(48, served.Options.ModelMaxLength);
        Assert.Equal(Prompts[0], served.Encode("Sir Walter Elliot, of Kellynch Hall", 40, truncate: true).Ids);
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(temp.Path, "models", "gpt")));
    }

    [Fact]
    public void ServersDecoderPath_GreedyBatchedWithOtherPrompts_MatchesTorchSharp()
    {
        using var model = NewModel();
        var folder = Path.Combine(temp.Path, "served");
        GptOnnxExporter.Publish(model, folder, TokenizerDirectory, Prompts, Tokenizer.EosTokenId!.Value);
        var backend = new OnnxBackend(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance));
        var onnx = Path.Combine(folder, "model.onnx");
        using var session = backend.OpenDecoder(onnx, DecoderSignature.Read(backend.ReadSignature(onnx)), new SessionSettings(ExecutionProvider.Cpu, 1, 1, 0));
        const int steps = 6;

        var served = GreedyThroughServerPath(session, Prompts, steps);

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(GreedyInTorch(model, Prompts[i], steps), served[i]);
        }
    }

    [Fact]
    public void Publish_ParityAboveTolerance_RefusesAndLeavesNoFolder()
    {
        using var model = NewModel();
        var parent = Path.Combine(temp.Path, "refused");
        Directory.CreateDirectory(parent);

        var error = Assert.Throws<InvalidDataException>(() =>
            GptOnnxExporter.Publish(model, Path.Combine(parent, "1"), TokenizerDirectory, Prompts, Tokenizer.EosTokenId!.Value, tolerance: -1));

        Assert.Contains("parity check failed", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void Publish_ExistingTarget_IsRefusedBeforeAnyWork()
    {
        using var model = NewModel();
        var folder = Path.Combine(temp.Path, "exists");
        Directory.CreateDirectory(folder);

        Assert.Throws<IOException>(() => GptOnnxExporter.Publish(model, folder, TokenizerDirectory, Prompts, Tokenizer.EosTokenId!.Value));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    public void Dispose() => temp.Dispose();

    private static byte[] Build(TinyGpt model)
    {
        using (NewDisposeScope())
        {
            return GptOnnxGraph.Build(model).ToByteArray();
        }
    }

    /// <summary>Greedy decoding by re-running the whole sequence each step (no cache), the plainest reference.</summary>
    private static int[] GreedyInTorch(TinyGpt model, int[] prompt, int steps)
    {
        model.eval();
        using var noGrad = no_grad();
        var ids = prompt.Select(i => (long)i).ToList();
        for (var s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(ids.ToArray(), [1, ids.Count]));
            ids.Add(logits[0, -1].argmax().item<long>());
        }

        return ids.Skip(prompt.Length).Select(i => (int)i).ToArray();
    }

    /// <summary>The server's decode loop without its scheduler: right-aligned shared steps over per-sequence caches.</summary>
    private static int[][] GreedyThroughServerPath(IDecoderSession session, int[][] prompts, int steps)
    {
        var shape = session.Shape;
        var caches = prompts.Select(p => new SequenceCache(shape, p.Length + steps)).ToArray();
        var generated = prompts.Select(_ => new List<int>()).ToArray();
        for (var s = 0; s < steps; s++)
        {
            var rows = prompts.Select((p, i) => s == 0 ? new DecoderRow(caches[i], p, 0) : new DecoderRow(caches[i], [generated[i][^1]], caches[i].Length)).ToList();
            using var step = DecoderBatchAssembler.Assemble(shape, rows, padTokenId: 0);
            session.Run(step);
            DecoderBatchAssembler.Absorb(step, rows);
            for (var r = 0; r < rows.Count; r++)
            {
                var logits = step.LastLogits.AsSpan(r * shape.VocabularySize, shape.VocabularySize);
                var best = 0;
                for (var v = 1; v < logits.Length; v++)
                {
                    best = logits[v] > logits[best] ? v : best;
                }

                generated[r].Add(best);
            }
        }

        return [.. generated.Select(g => g.ToArray())];
    }
}
