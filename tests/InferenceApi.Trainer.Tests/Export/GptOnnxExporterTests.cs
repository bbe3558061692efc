using Google.Protobuf;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// The tiny GPT on a byte-level BPE learned from one Austen chapter: the cached decode matches the full forward,
/// the exported decoder-with-past matches TorchSharp step by step, and the server's own decoder path (its session,
/// batch assembler and sequence caches) decodes the same greedy tokens as TorchSharp.
/// </summary>
public sealed class GptOnnxExporterTests : IDisposable
{
    private readonly ChapterTokenizer chapter = new();

    private string TokenizerDirectory => chapter.Directory;

    private Gpt2Tokenizer Tokenizer => chapter.Tokenizer;

    private int[][] Prompts => chapter.Prompts;

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
        var folder = chapter.Scratch(Path.Combine("models", "gpt", "1"));

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
        Assert.Single(Directory.GetFileSystemEntries(chapter.Scratch(Path.Combine("models", "gpt"))));
    }

    [Fact]
    public void ServersDecoderPath_GreedyBatchedWithOtherPrompts_MatchesTorchSharp()
    {
        using var model = NewModel();
        var folder = chapter.Scratch("served");
        GptOnnxExporter.Publish(model, folder, TokenizerDirectory, Prompts, Tokenizer.EosTokenId!.Value);
        using var session = DecoderReference.OpenServed(folder);
        const int steps = 6;

        var served = DecoderReference.GreedyThroughServerPath(session, Prompts, steps);

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(DecoderReference.GreedyInTorch(model, Prompts[i], steps), served[i]);
        }
    }

    [Fact]
    public void Publish_ParityAboveTolerance_RefusesAndLeavesNoFolder()
    {
        using var model = NewModel();
        var parent = chapter.Scratch("refused");
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
        var folder = chapter.Scratch("exists");
        Directory.CreateDirectory(folder);

        Assert.Throws<IOException>(() => GptOnnxExporter.Publish(model, folder, TokenizerDirectory, Prompts, Tokenizer.EosTokenId!.Value));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    public void Dispose() => chapter.Dispose();

    private static byte[] Build(TinyGpt model)
    {
        using (NewDisposeScope())
        {
            return GptOnnxGraph.Build(model).ToByteArray();
        }
    }
}
