using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// The tiny BERT on a small hand-written WordPiece vocabulary (special tokens, a few words, every letter as a
/// word and as a continuation), so an untrained model is small and fast yet tokenizes any lower-case sentence.
/// </summary>
public sealed class BertOnnxExporterTests : IDisposable
{
    private static readonly string[] Sentences =
    [
        "a charming and often affecting journey .",
        "bleak",
        "the movie is not good , the acting is terrible and the plot makes no sense at all",
        "it 's a great film",
        "zzyzx qwerty",
    ];

    private static readonly string[] Labels = ["negative", "positive"];

    private readonly TempDirectory temp = new();

    public BertOnnxExporterTests()
    {
        VocabularyPath = Path.Combine(temp.Path, "vocab.txt");
        string[] words = ["the", "and", "is", "it", "'", ".", ",", "movie", "film", "good", "great", "bad", "not", "no", "at", "all"];
        var letters = Enumerable.Range('a', 26).Select(c => ((char)c).ToString()).ToArray();
        File.WriteAllLines(VocabularyPath, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. words, .. letters, .. letters.Select(l => "##" + l)]);
        Tokenizer = BertWordPieceTokenizer.Create(VocabularyPath, new BertTokenizerOptions { ModelMaxLength = 64 });
        Samples = [.. Sentences.Select(s => Tokenizer.Encode(s, 64, truncate: true).Ids)];
    }

    private string VocabularyPath { get; }

    private BertWordPieceTokenizer Tokenizer { get; }

    private int[][] Samples { get; }

    private TinyBert NewModel(BertPooling pooling = BertPooling.Cls, int seed = 7, double blockDropout = 0, double dropout = 0.1, int convolutionWidth = 0)
    {
        manual_seed(seed);
        return new TinyBert(new BertOptions
        {
            VocabularySize = Tokenizer.VocabularySize, Pooling = pooling, BlockDropout = blockDropout, Dropout = dropout, ConvolutionWidth = convolutionWidth,
        });
    }

    [Fact]
    public void BlockDropout_ChangesTrainingForwardsButNotEvalOrTheExport()
    {
        using var model = NewModel(blockDropout: 0.3, dropout: 0);
        using var plain = NewModel(dropout: 0);
        Assert.Empty(InferenceApi.Trainer.Checkpoints.WeightTransfer.CopyMatching(model, plain, []));
        using var scope = NewDisposeScope();
        var (ids, mask, shape) = TextClassificationDataset.Pad(Samples, Tokenizer.PadTokenId);
        var (idsTensor, maskTensor) = (tensor(ids, shape), tensor(mask, shape));

        model.train();
        var first = model.forward(idsTensor, maskTensor);
        var second = model.forward(idsTensor, maskTensor);
        plain.train();
        var plainFirst = plain.forward(idsTensor, maskTensor);
        var plainSecond = plain.forward(idsTensor, maskTensor);
        model.eval();
        plain.eval();

        Assert.True(first.sub(second).abs().max().item<float>() > 1e-3f);
        Assert.Equal(0f, plainFirst.sub(plainSecond).abs().max().item<float>());
        Assert.Equal(0f, model.forward(idsTensor, maskTensor).sub(plain.forward(idsTensor, maskTensor)).abs().max().item<float>());
        byte[] onnx;
        using (NewDisposeScope())
        {
            onnx = BertOnnxGraph.Build(model).ToByteArray();
        }

        Assert.True(BertOnnxExporter.Check(model, onnx, Samples, Tokenizer.PadTokenId).Max <= BertOnnxExporter.DefaultTolerance);
    }

    [Fact]
    public void Ensemble_OnnxLogitsSoftmaxToTheMembersMeanProbabilities()
    {
        using var first = NewModel(seed: 1);
        using var second = NewModel(BertPooling.Mean, seed: 2, convolutionWidth: 3);
        using var third = NewModel(seed: 3);
        var ensemble = new TinyBertEnsemble([first, second, third]);
        var folder = Path.Combine(temp.Path, "models", "ensemble", "1");

        var parity = BertOnnxExporter.PublishEnsemble(ensemble, folder, VocabularyPath, Samples, Tokenizer.PadTokenId, Labels);

        Assert.True(parity.Max <= BertOnnxExporter.DefaultTolerance, $"{parity}");
        var signature = OnnxSessionFactory.ReadSignature(Path.Combine(folder, "model.onnx"));
        Assert.Equal([OptimumLayout.InputIds, OptimumLayout.AttentionMask], signature.Inputs.Select(i => i.Name));
        Assert.Equal(OptimumLayout.Logits, EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 2));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ids, mask, shape) = TextClassificationDataset.Pad(Samples, Tokenizer.PadTokenId);
        var (idsTensor, maskTensor) = (tensor(ids, shape), tensor(mask, shape));
        foreach (var member in new[] { first, second, third })
        {
            member.eval();
        }

        var expected = (first.forward(idsTensor, maskTensor).softmax(-1) + second.forward(idsTensor, maskTensor).softmax(-1) + third.forward(idsTensor, maskTensor).softmax(-1)) / 3;
        var actual = ensemble.forward(idsTensor, maskTensor).softmax(-1);
        Assert.True(actual.sub(expected).abs().max().item<float>() <= 1e-6f);
        Assert.True(first.forward(idsTensor, maskTensor).softmax(-1).sub(expected).abs().max().item<float>() > 1e-4f, "members this alike prove nothing");
    }

    [Fact]
    public void Samples_HaveDifferentLengths_SoTheParityBatchIsPadded()
    {
        Assert.True(Samples.Select(s => s.Length).Distinct().Count() >= 4);
        Assert.All(Samples, s => Assert.Equal(Samples[0][0], s[0]));
    }

    [Theory]
    [InlineData(BertPooling.Cls, 0)]
    [InlineData(BertPooling.Mean, 0)]
    [InlineData(BertPooling.Cls, 3)]
    [InlineData(BertPooling.Mean, 5)]
    public void Check_UntrainedModel_OnnxMatchesTorchAndPaddingChangesNothing(BertPooling pooling, int convolutionWidth)
    {
        using var model = NewModel(pooling, convolutionWidth: convolutionWidth);
        byte[] onnx;
        using (NewDisposeScope())
        {
            onnx = BertOnnxGraph.Build(model).ToByteArray();
        }

        var parity = BertOnnxExporter.Check(model, onnx, Samples, Tokenizer.PadTokenId);

        Assert.True(parity.OnnxVsTorch <= BertOnnxExporter.DefaultTolerance, $"ONNX vs TorchSharp {parity.OnnxVsTorch}");
        Assert.True(parity.PaddedVsUnpadded <= BertOnnxExporter.DefaultTolerance, $"padded vs unpadded {parity.PaddedVsUnpadded}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Forward_PaddingAndWhatThePadPositionsHold_DoNotChangeASequencesLogits(int convolutionWidth)
    {
        using var model = NewModel(convolutionWidth: convolutionWidth);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var shortIds = Samples[1];
        var alone = model.forward(tensor(shortIds.Select(i => (long)i).ToArray(), [1, shortIds.Length]), ones(1, shortIds.Length, ScalarType.Int64));
        var (ids, mask, shape) = TextClassificationDataset.Pad([shortIds, Samples[2]], Tokenizer.PadTokenId);
        for (var j = shortIds.Length; j < shape[1]; j++)
        {
            ids[j] = 7; // a real word under the mask: still ignored
        }

        var padded = model.forward(tensor(ids, shape), tensor(mask, shape));

        Assert.True(padded[0].sub(alone[0]).abs().max().item<float>() <= 1e-5f);
    }

    [Fact]
    public void Publish_UntrainedModel_WritesAFolderTheServerAccepts()
    {
        using var model = NewModel();
        var folder = Path.Combine(temp.Path, "models", "sentiment", "1");

        BertOnnxExporter.Publish(model, folder, VocabularyPath, Samples, Tokenizer.PadTokenId, Labels);

        var config = HfModelConfig.Load(Path.Combine(folder, "config.json"));
        var signature = OnnxSessionFactory.ReadSignature(Path.Combine(folder, "model.onnx"));
        Assert.Equal(ModelTask.TextClassification, ModelTaskDetector.Detect(config, signature));
        Assert.Equal(OptimumLayout.Logits, EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, config.Labels.Count));
        Assert.Equal(["negative", "positive"], config.Labels);
        Assert.Equal(64, config.MaxPositionEmbeddings);
        Assert.Equal([OptimumLayout.InputIds, OptimumLayout.AttentionMask], signature.Inputs.Select(i => i.Name));
        var served = BertTokenizerLoader.Load(folder);
        Assert.Equal(64, served.Options.ModelMaxLength);
        Assert.True(served.Options.DoLowerCase);
        Assert.Equal(Samples[3], served.Encode(Sentences[3].ToUpperInvariant(), 64, truncate: true).Ids);
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(temp.Path, "models", "sentiment")));
    }

    [Fact]
    public void Publish_ParityAboveTolerance_RefusesAndLeavesNoFolder()
    {
        using var model = NewModel();
        var parent = Path.Combine(temp.Path, "refused");
        Directory.CreateDirectory(parent);

        Assert.Throws<InvalidDataException>(() =>
            BertOnnxExporter.Publish(model, Path.Combine(parent, "1"), VocabularyPath, Samples, Tokenizer.PadTokenId, Labels, tolerance: -1));

        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void TrainEpoch_FewDozenSentences_LossGoesDown()
    {
        using var model = NewModel();
        var data = TextClassificationDataset.FromIds(
            [.. Enumerable.Range(0, 48).Select(i => Samples[i % Samples.Length])],
            [.. Enumerable.Range(0, 48).Select(i => i % Samples.Length % 2)]);
        var trainer = new TextClassificationTrainer(model, Tokenizer.PadTokenId, learningRate: 3e-3);
        var before = TextClassificationTrainer.Loss(model, data, Tokenizer.PadTokenId);

        var random = new Random(1);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            trainer.TrainEpoch(model, data, batchSize: 16, random);
        }

        Assert.True(TextClassificationTrainer.Loss(model, data, Tokenizer.PadTokenId) < before * 0.5);
    }

    [Fact]
    public void Tokenize_Sst2Dev_ReadsTheHeaderAndTokenizesWithTheServersTokenizer()
    {
        var tokenizer = BertWordPieceTokenizer.Create(Path.Combine(TestPaths.BertBaseUncasedDirectory, "vocab.txt"), new BertTokenizerOptions());
        var path = Path.Combine(TestPaths.DataDirectory, "sst2", "dev.tsv");
        var rows = LabelledTextReader.Read(path, TextDataFormat.Tsv, new TextColumns());

        var dev = TextClassificationDataset.Tokenize(rows, new LabelSet(Labels), tokenizer, 64, path);

        Assert.Equal(872, dev.Count);
        Assert.Equal(1, dev.Labels[0]);
        Assert.Equal(tokenizer.Encode("it 's a charming and often affecting journey . ", 64, true).Ids, dev.Ids[0]);
        Assert.All(dev.Ids, ids => Assert.True(ids.Length <= 64));
    }

    public void Dispose() => temp.Dispose();
}
