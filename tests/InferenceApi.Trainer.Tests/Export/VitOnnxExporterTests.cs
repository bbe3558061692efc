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
