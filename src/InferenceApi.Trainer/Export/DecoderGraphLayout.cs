namespace InferenceApi.Trainer.Export;

/// <summary>
/// How an exported decoder presents itself, covering the layouts real exports come in: the element type of weights,
/// cache and logits; whether positions are an input (<c>position_ids</c>, optimum ≥ 1.14) or derived inside the graph
/// from the attention mask; and whether the graph is a legacy merged decoder (optimum &lt; 1.14's
/// <c>decoder_model_merged.onnx</c>: an <c>If</c> on a bool <c>use_cache_branch</c> between a no-past and a with-past branch).
/// </summary>
public sealed record DecoderGraphLayout(DecoderPrecision Precision = DecoderPrecision.Float32, bool PositionIds = true, bool Merged = false)
{
    public static DecoderGraphLayout Default { get; } = new();
}
