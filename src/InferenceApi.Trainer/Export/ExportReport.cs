namespace InferenceApi.Trainer.Export;

/// <summary>A published model folder and the parity figures it passed (max abs diffs, e.g. onnx_vs_torch).</summary>
public sealed record ExportReport(string Folder, IReadOnlyDictionary<string, double> Parity, double Tolerance);
