using InferenceApi.Core.Backends;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Inference;

public sealed class EncoderSignatureValidatorTests
{
    private static readonly TensorSpec InputIds = Spec(OptimumLayout.InputIds, TensorElement.Int64, -1, -1);
    private static readonly TensorSpec AttentionMask = Spec(OptimumLayout.AttentionMask, TensorElement.Int64, -1, -1);
    private static readonly TensorSpec TokenTypeIds = Spec(OptimumLayout.TokenTypeIds, TensorElement.Int64, -1, -1);
    private static readonly TensorSpec Logits4 = Spec(OptimumLayout.Logits, TensorElement.Float32, -1, 4);
    private static readonly TensorSpec LastHiddenState = Spec(OptimumLayout.LastHiddenState, TensorElement.Float32, -1, -1, 32);

    [Fact]
    public void Validate_ValidClassificationSignature_ReturnsLogits()
    {
        var signature = new ModelSignature([InputIds, AttentionMask, TokenTypeIds], [Logits4]);

        Assert.Equal(OptimumLayout.Logits, EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, labelCount: 4));
    }

    [Fact]
    public void Validate_ValidFeatureExtractionSignatureWithoutTokenTypes_ReturnsLastHiddenState()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [LastHiddenState]);

        Assert.Equal(OptimumLayout.LastHiddenState, EncoderSignatureValidator.Validate(signature, ModelTask.FeatureExtraction, labelCount: 0));
    }

    [Fact]
    public void Validate_ClassificationWithoutLabelsButFixedWidth_Passes()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [Logits4]);

        Assert.Equal(OptimumLayout.Logits, EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, labelCount: 0));
    }

    [Fact]
    public void Validate_MissingInputIds_NamesIt()
    {
        var signature = new ModelSignature([AttentionMask], [Logits4]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 4));

        Assert.Contains("missing input 'input_ids'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Int32InputIds_NamesInputAndItsType()
    {
        var signature = new ModelSignature([Spec(OptimumLayout.InputIds, TensorElement.Int32, -1, -1), AttentionMask], [Logits4]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 4));

        Assert.Contains("input 'input_ids' must be int64", error.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LogitsOfRankThree_NamesTheRank()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [Spec(OptimumLayout.Logits, TensorElement.Float32, -1, -1, 4)]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 4));

        Assert.Contains("output 'logits' must have rank 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LabelCountDiffersFromLogitsWidth_NamesBoth()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [Logits4]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 3));

        Assert.Contains("id2label has 3 labels but output 'logits' has width 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FeatureExtractionWithoutLastHiddenState_NamesTheMissingOutput()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [Logits4]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.FeatureExtraction, 0));

        Assert.Contains("feature-extraction model must have output 'last_hidden_state'", error.Message, StringComparison.Ordinal);
        Assert.Contains(OptimumLayout.Logits, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnexpectedExtraInput_NamesIt()
    {
        var signature = new ModelSignature([InputIds, AttentionMask, Spec(OptimumLayout.PositionIds, TensorElement.Int64, -1, -1)], [Logits4]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 4));

        Assert.Contains("unexpected input 'position_ids'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Float16Output_NamesTheElementType()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [Spec(OptimumLayout.Logits, TensorElement.Float16, -1, 4)]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 4));

        Assert.Contains("output 'logits' must be float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoLabelsAndDynamicLogitsWidth_SaysLabelsAreUnknown()
    {
        var signature = new ModelSignature([InputIds, AttentionMask], [Spec(OptimumLayout.Logits, TensorElement.Float32, -1, -1)]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 0));

        Assert.Contains("no id2label", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var signature = new ModelSignature([Spec(OptimumLayout.InputIds, TensorElement.Int32, -1, -1), Spec(OptimumLayout.PixelValues, TensorElement.Float32, -1, 3, 224, 224)], [Logits4]);

        var error = Assert.Throws<ModelFolderException>(() => EncoderSignatureValidator.Validate(signature, ModelTask.TextClassification, 4));

        Assert.Contains("input 'input_ids' must be int64", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing input 'attention_mask'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected input 'pixel_values'", error.Message, StringComparison.Ordinal);
    }

    private static TensorSpec Spec(string name, TensorElement element, params long[] shape) => new(name, element, shape);
}
