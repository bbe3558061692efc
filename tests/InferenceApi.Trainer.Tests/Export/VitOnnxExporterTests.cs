using Google.Protobuf;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

public sealed class VitOnnxExporterTests
{
    [Fact]
    public void MaxAbsDiff_UntrainedModel_IsWithinTolerance()
    {
        manual_seed(7);
        using var model = new TinyVit(new VitOptions());
        byte[] onnx;
        using (NewDisposeScope())
        {
            onnx = VitOnnxGraph.Build(model).ToByteArray();
        }

        var diff = VitOnnxExporter.MaxAbsDiff(model, onnx, TrainerData.Digits);

        Assert.True(diff <= VitOnnxExporter.DefaultTolerance, $"max abs diff {diff}");
    }

    /// <summary>The ink steps in the graph match TorchSharp on both polarities (an inverted digit takes the other branch).</summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void MaxAbsDiff_InkNormalization_IsWithinToleranceOnBothPolarities(bool normalizeInk, bool fitInk)
    {
        manual_seed(7);
        using var model = new TinyVit(new VitOptions { NormalizeInk = normalizeInk, FitInk = fitInk });
        byte[] onnx;
        using (NewDisposeScope())
        {
            onnx = VitOnnxGraph.Build(model).ToByteArray();
        }

        var digits = TrainerData.Digits.Subset([.. Enumerable.Range(0, 32)]);
        var inverted = new ImageDataset([.. digits.Pixels.Select(p => -p)], digits.Labels, digits.Channels, digits.Height, digits.Width);

        Assert.InRange(VitOnnxExporter.MaxAbsDiff(model, onnx, digits), 0, VitOnnxExporter.DefaultTolerance);
        Assert.InRange(VitOnnxExporter.MaxAbsDiff(model, onnx, inverted), 0, VitOnnxExporter.DefaultTolerance);
    }

    [Fact]
    public void Publish_UntrainedModel_WritesAFolderTheServerAccepts()
    {
        manual_seed(7);
        using var model = new TinyVit(new VitOptions());
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "digits-vit", "1");

        VitOnnxExporter.Publish(model, folder, TrainerData.Digits, DigitsCsv.LabelNames);

        var config = HfModelConfig.Load(Path.Combine(folder, "config.json"));
        var signature = OnnxSessionFactory.ReadSignature(Path.Combine(folder, "model.onnx"));
        var preprocessor = PreprocessorConfig.Load(Path.Combine(folder, "preprocessor_config.json"));
        Assert.Equal(ModelTask.ImageClassification, ModelTaskDetector.Detect(config, signature));
        ImageSignatureValidator.Validate(signature, config.Labels.Count, preprocessor.OutputHeight, preprocessor.OutputWidth);
        Assert.Equal(DigitsCsv.LabelNames, config.Labels);
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(temp.Path, "digits-vit")));
    }

    [Fact]
    public void Publish_ParityAboveTolerance_RefusesAndLeavesNoFolder()
    {
        using var model = new TinyVit(new VitOptions());
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "digits-vit");

        Assert.Throws<InvalidDataException>(() => VitOnnxExporter.Publish(model, folder, TrainerData.Digits, DigitsCsv.LabelNames, tolerance: -1));

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
