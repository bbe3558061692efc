namespace InferenceApi.Trainer.Export;

/// <summary>The parity figures of a decoder export.</summary>
/// <param name="OnnxVsTorch">Max abs diff of ONNX Runtime vs TorchSharp logits and presents, over a padded prefill and the decode steps through the cache.</param>
/// <param name="PaddedVsAlone">Max abs diff of each prompt's last logits in the left-padded batch vs run alone (ONNX Runtime).</param>
/// <param name="Steps">Decode steps compared after the prefill.</param>
public sealed record DecoderParity(double OnnxVsTorch, double PaddedVsAlone, int Steps)
{
    public double Max => Math.Max(OnnxVsTorch, PaddedVsAlone);

    /// <summary>The largest magnitude of TorchSharp's logits compared (what an int8 tolerance is relative to).</summary>
    public double Scale { get; init; }
}
