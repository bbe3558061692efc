using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Generation;

/// <summary>
/// Decoder layouts as real exports declare them (GPT-2, Llama/Qwen/Mistral with grouped-query attention, float16
/// exports, legacy merged decoders, graphs without position_ids) are read from the signature and config.json; what
/// the server could not feed is refused with the reason.
/// </summary>
public sealed class DecoderSignatureTests
{
    private const long Dynamic = -1;

    /// <summary>optimum's layout: ids, mask, positions, past per layer in; logits and presents out.</summary>
    private static ModelSignature Decoder(
        int layers = 2,
        long kvHeads = 2,
        long headDim = 64,
        TensorElement kv = TensorElement.Float32,
        TensorElement logits = TensorElement.Float32,
        bool positionIds = true,
        long vocabulary = 1000,
        params TensorSpec[] extraInputs)
    {
        var inputs = new List<TensorSpec>
        {
            new("input_ids", TensorElement.Int64, [Dynamic, Dynamic]),
            new("attention_mask", TensorElement.Int64, [Dynamic, Dynamic]),
        };
        if (positionIds)
        {
            inputs.Add(new("position_ids", TensorElement.Int64, [Dynamic, Dynamic]));
        }

        var outputs = new List<TensorSpec> { new("logits", logits, [Dynamic, Dynamic, vocabulary]) };
        for (var layer = 0; layer < layers; layer++)
        {
            foreach (var kind in new[] { "key", "value" })
            {
                inputs.Add(new($"past_key_values.{layer}.{kind}", kv, [Dynamic, kvHeads, Dynamic, headDim]));
                outputs.Add(new($"present.{layer}.{kind}", kv, [Dynamic, kvHeads, Dynamic, headDim]));
            }
        }

        inputs.AddRange(extraInputs);
        return new ModelSignature(inputs, outputs);
    }

    private static string Refusal(ModelSignature signature, HfModelConfig? config = null) =>
        Assert.Throws<ModelFolderException>(() => DecoderSignature.Read(signature, config)).Message;

    [Fact]
    public void Read_Gpt2Layout_AsManyKeyValueHeadsAsQueryHeads()
    {
        var shape = DecoderSignature.Read(Decoder(layers: 12, kvHeads: 12, vocabulary: 50257));

        Assert.Equal("12 layers, KV 12×64 Float32, logits Float32, vocabulary 50257, position_ids", shape.ToString());
        Assert.True(shape.HasPast);
        Assert.Null(shape.MaxBatch);
        Assert.Equal(4, shape.KvElementSize);
    }

    [Fact]
    public void Read_GroupedQueryAttention_TakesTheKeyValueHeadsFromThePast()
    {
        var config = new HfModelConfig { AttentionHeads = 14, KeyValueHeads = 2, HiddenSize = 896 };

        var shape = DecoderSignature.Read(Decoder(layers: 24, kvHeads: 2, headDim: 64, vocabulary: 151936), config);

        Assert.All(shape.KvTensors, t => Assert.Equal(new KvTensorShape(2, 64), t));
        Assert.Equal(24, shape.Layers);
    }

    [Fact]
    public void Read_Float16CacheAndLogits_KeepsTheCacheInFloat16()
    {
        var shape = DecoderSignature.Read(Decoder(kv: TensorElement.Float16, logits: TensorElement.Float16));

        Assert.Equal(TensorElement.Float16, shape.KvElement);
        Assert.Equal(2, shape.KvElementSize);
        Assert.Equal(TensorElement.Float16, shape.LogitsElement);
    }

    [Fact]
    public void Read_Float16CacheWithFloat32Logits_IsServed()
    {
        var shape = DecoderSignature.Read(Decoder(kv: TensorElement.Float16, logits: TensorElement.Float32));

        Assert.Equal((TensorElement.Float16, TensorElement.Float32), (shape.KvElement, shape.LogitsElement));
    }

    [Fact]
    public void Read_SymbolicHeadsAndHeadDim_FallBackToConfigJson()
    {
        var signature = Decoder(kvHeads: Dynamic, headDim: Dynamic);

        var explicitHeadDim = DecoderSignature.Read(signature, new HfModelConfig { AttentionHeads = 8, KeyValueHeads = 4, HeadDim = 128, HiddenSize = 512 });
        var derivedHeadDim = DecoderSignature.Read(signature, new HfModelConfig { AttentionHeads = 8, HiddenSize = 512 });

        Assert.Equal(new KvTensorShape(4, 128), explicitHeadDim.KvTensors[0]);
        Assert.Equal(new KvTensorShape(8, 64), derivedHeadDim.KvTensors[0]);
    }

    [Fact]
    public void Read_SymbolicHeadsWithoutConfig_IsRefusedNamingTheFields()
    {
        var message = Refusal(Decoder(kvHeads: Dynamic));

        Assert.Contains("num_key_value_heads", message, StringComparison.Ordinal);
        Assert.Contains("past_key_values.0.key", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LayersOfDifferentWidths_KeepsEachTensorsShape()
    {
        var signature = Decoder(layers: 1);
        var wide = new ModelSignature(
            [.. signature.Inputs, new("past_key_values.1.key", TensorElement.Float32, [Dynamic, 4, Dynamic, 32]), new("past_key_values.1.value", TensorElement.Float32, [Dynamic, 4, Dynamic, 48])],
            [.. signature.Outputs, new("present.1.key", TensorElement.Float32, [Dynamic, 4, Dynamic, 32]), new("present.1.value", TensorElement.Float32, [Dynamic, 4, Dynamic, 48])]);

        var shape = DecoderSignature.Read(wide);

        Assert.Equal([new(2, 64), new(2, 64), new(4, 32), new(4, 48)], shape.KvTensors);
    }

    [Fact]
    public void Read_NoPositionIds_FeedsWithoutThem()
    {
        Assert.False(DecoderSignature.Read(Decoder(positionIds: false)).HasPositionIds);
    }

    [Fact]
    public void Read_MergedDecoder_FeedsUseCacheBranch()
    {
        var shape = DecoderSignature.Read(Decoder(extraInputs: new TensorSpec("use_cache_branch", TensorElement.Bool, [1])));

        Assert.True(shape.HasUseCacheBranch);
        Assert.EndsWith("use_cache_branch", shape.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UseCacheBranchNotBool_IsRefused()
    {
        Assert.Contains("'use_cache_branch' must be bool", Refusal(Decoder(extraInputs: new TensorSpec("use_cache_branch", TensorElement.Int64, [1]))), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DynamicLogitsWidth_TakesVocabSizeFromConfig()
    {
        Assert.Equal(32000, DecoderSignature.Read(Decoder(vocabulary: Dynamic), new HfModelConfig { VocabularySize = 32000 }).VocabularySize);
        Assert.Contains("vocab_size", Refusal(Decoder(vocabulary: Dynamic)), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BFloat16Cache_IsRefusedWithWhatToExportInstead()
    {
        var message = Refusal(Decoder(kv: TensorElement.Other));

        Assert.Contains("bfloat16", message, StringComparison.Ordinal);
        Assert.Contains("float16 or float32", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LogitsNeitherFloat32NorFloat16_IsRefused()
    {
        Assert.Contains("output 'logits' must be float32 or float16", Refusal(Decoder(logits: TensorElement.Other)), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FixedPastLength_IsRefusedAsASharedBuffer()
    {
        var signature = Decoder(layers: 1);
        var fixedPast = new ModelSignature(
            [.. signature.Inputs.Select(i => i.Name.StartsWith("past", StringComparison.Ordinal) ? i with { Shape = [1, 2, 4096, 64] } : i)], signature.Outputs);

        var message = Refusal(fixedPast);

        Assert.Contains("fixed past length of 4096", message, StringComparison.Ordinal);
        Assert.Contains("dynamic past length", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BatchFixedAtOne_ServesOneSequenceAtATime()
    {
        var signature = Decoder(layers: 1);
        var single = new ModelSignature([.. signature.Inputs.Select(i => i with { Shape = [1, .. i.Shape.Skip(1)] })], signature.Outputs);

        Assert.Equal(1, DecoderSignature.Read(single).MaxBatch);
    }

    [Fact]
    public void Read_BatchFixedAboveOne_IsRefused()
    {
        var signature = Decoder(layers: 1);
        var four = new ModelSignature([.. signature.Inputs.Select(i => i with { Shape = [4, .. i.Shape.Skip(1)] })], signature.Outputs);

        Assert.Contains("fixes the batch size at 4", Refusal(four), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StaticSequenceLength_IsRefused()
    {
        var signature = Decoder(layers: 1);
        var fixedLength = new ModelSignature([.. signature.Inputs.Select(i => i.Name == "input_ids" ? i with { Shape = [Dynamic, 128] } : i)], signature.Outputs);

        Assert.Contains("'input_ids' has a fixed sequence length of 128", Refusal(fixedLength), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token_type_ids", "not one the server feeds")]
    [InlineData("cache_position", "not one the server feeds")]
    [InlineData("past_0", "a past in a layout the server does not feed")]
    public void Read_InputTheServerCannotFeed_IsRefusedByName(string name, string reason)
    {
        var message = Refusal(Decoder(extraInputs: new TensorSpec(name, TensorElement.Int64, [Dynamic, Dynamic])));

        Assert.Contains($"'{name}'", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LayerNumbersWithAGap_IsRefused()
    {
        var signature = Decoder(layers: 3);
        var gap = new ModelSignature([.. signature.Inputs.Where(i => !i.Name.StartsWith("past_key_values.1.", StringComparison.Ordinal))], signature.Outputs);

        Assert.Contains("skip layer 1", Refusal(gap), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_KeyWithoutValue_IsRefused()
    {
        var signature = Decoder(layers: 2);
        var lone = new ModelSignature([.. signature.Inputs.Where(i => i.Name != "past_key_values.1.value")], signature.Outputs);

        Assert.Contains("'past_key_values.1.value' is missing", Refusal(lone), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PresentOfAnotherTypeThanThePast_IsRefused()
    {
        var signature = Decoder(layers: 1, kv: TensorElement.Float16);
        var mixed = new ModelSignature(signature.Inputs, [.. signature.Outputs.Select(o => o.Name == "present.0.value" ? o with { Element = TensorElement.Float32 } : o)]);

        Assert.Contains("'present.0.value' is Float32 but 'past_key_values.0.value' is Float16", Refusal(mixed), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PastWithoutPresent_IsRefused()
    {
        var signature = Decoder(layers: 1);
        var noPresent = new ModelSignature(signature.Inputs, [.. signature.Outputs.Where(o => o.Name == "logits")]);

        Assert.Contains("does not return the present", Refusal(noPresent), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoPastAtAll_IsServedWithoutACache()
    {
        var shape = DecoderSignature.Read(Decoder(layers: 0));

        Assert.False(shape.HasPast);
        Assert.Empty(shape.KvTensors);
    }
}
