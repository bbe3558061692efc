namespace InferenceApi.Trainer.Export;

/// <summary>A published model folder and the parity figures it passed (max abs diffs, e.g. onnx_vs_torch).</summary>
public sealed record ExportReport(string Folder, IReadOnlyDictionary<string, double> Parity, double Tolerance)
{
    /// <summary>The graph was quantized to int8; <see cref="Tolerance"/> is then relative to the largest float32 output.</summary>
    public bool Int8 { get; init; }
}
