namespace InferenceApi.Trainer.Export;

/// <summary>The element type of an exported decoder's weights, key/value cache and logits.</summary>
public enum DecoderPrecision
{
    Float32,

    /// <summary>Weights, cache and logits in float16; norm statistics, rotary angles and softmax in float32, as transformers computes them.</summary>
    Float16,
}
