using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class ModelTaskDetectorTests
{
    private static readonly TensorSpec InputIds = new(OptimumLayout.InputIds, TensorElement.Int64, [-1, -1]);
    private static readonly ModelSignature Empty = new([], []);

    [Theory]
    [InlineData("BertForSequenceClassification", ModelTask.TextClassification)]
    [InlineData("ViTForImageClassification", ModelTask.ImageClassification)]
    [InlineData("GPT2LMHeadModel", ModelTask.TextGeneration)]
    [InlineData("LlamaForCausalLM", ModelTask.TextGeneration)]
    public void Detect_KnownArchitecture_GivesItsTask(string architecture, ModelTask expected)
    {
        var config = new HfModelConfig { Architectures = [architecture] };

        Assert.Equal(expected, ModelTaskDetector.Detect(config, Empty));
    }

    [Fact]
    public void Detect_ArchitectureAndSignatureDisagree_ArchitectureWins()
    {
        var config = new HfModelConfig { Architectures = ["BertForSequenceClassification"] };
        var signature = new ModelSignature([InputIds], [Spec(OptimumLayout.LastHiddenState, -1, -1, 8)]);

        Assert.Equal(ModelTask.TextClassification, ModelTaskDetector.Detect(config, signature));
    }

    [Fact]
    public void Detect_UnknownArchitecture_FallsBackToTheSignature()
    {
        var config = new HfModelConfig { Architectures = ["BertModel"] };
        var signature = new ModelSignature([InputIds], [Spec(OptimumLayout.LastHiddenState, -1, -1, 8)]);

        Assert.Equal(ModelTask.FeatureExtraction, ModelTaskDetector.Detect(config, signature));
    }

    [Fact]
    public void Detect_PixelValuesInput_IsImageClassification()
    {
        var signature = new ModelSignature([Spec(OptimumLayout.PixelValues, -1, 3, 224, 224)], [Spec(OptimumLayout.Logits, -1, 1000)]);

        Assert.Equal(ModelTask.ImageClassification, ModelTaskDetector.Detect(new HfModelConfig(), signature));
    }

    [Fact]
    public void Detect_PastKeyValuesInput_IsTextGeneration()
    {
        var signature = new ModelSignature([InputIds, Spec(OptimumLayout.PastKey(0), -1, 2, -1, 16)], [Spec(OptimumLayout.Logits, -1, -1, 50257)]);

        Assert.Equal(ModelTask.TextGeneration, ModelTaskDetector.Detect(new HfModelConfig(), signature));
    }

    [Fact]
    public void Detect_LastHiddenStateOutput_IsFeatureExtraction()
    {
        var signature = new ModelSignature([InputIds], [Spec(OptimumLayout.LastHiddenState, -1, -1, 8)]);

        Assert.Equal(ModelTask.FeatureExtraction, ModelTaskDetector.Detect(new HfModelConfig(), signature));
    }

    [Fact]
    public void Detect_LogitsOfRankTwo_IsTextClassification()
    {
        var signature = new ModelSignature([InputIds], [Spec(OptimumLayout.Logits, -1, 2)]);

        Assert.Equal(ModelTask.TextClassification, ModelTaskDetector.Detect(new HfModelConfig(), signature));
    }

    [Fact]
    public void Detect_LogitsOfRankThree_IsTextGeneration()
    {
        var signature = new ModelSignature([InputIds], [Spec(OptimumLayout.Logits, -1, -1, 50257)]);

        Assert.Equal(ModelTask.TextGeneration, ModelTaskDetector.Detect(new HfModelConfig(), signature));
    }

    [Fact]
    public void Detect_NothingRecognisable_IsTensor()
    {
        var signature = new ModelSignature([Spec("x", -1, 4)], [Spec("y", -1, 4)]);

        Assert.Equal(ModelTask.Tensor, ModelTaskDetector.Detect(new HfModelConfig { Architectures = ["SomethingElse"] }, signature));
    }

    [Fact]
    public void Detect_LogitsWithoutInputIds_IsTensor()
    {
        var signature = new ModelSignature([Spec("inputs_embeds", -1, -1, 8)], [Spec(OptimumLayout.Logits, -1, 2)]);

        Assert.Equal(ModelTask.Tensor, ModelTaskDetector.Detect(new HfModelConfig(), signature));
    }

    private static TensorSpec Spec(string name, params long[] shape) =>
        new(name, name.Contains("ids", StringComparison.Ordinal) ? TensorElement.Int64 : TensorElement.Float32, shape);
}
