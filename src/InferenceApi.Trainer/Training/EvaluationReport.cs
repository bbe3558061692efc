namespace InferenceApi.Trainer.Training;

/// <summary>An <c>eval</c> run: which checkpoint, on which data, with what result.</summary>
public sealed record EvaluationReport(string Task, string Checkpoint, string DataPath, Evaluation Evaluation, TimeSpan Elapsed)
{
    /// <summary>The same data through the checkpoint's int8 graph (<c>eval --quantize int8</c>), or null.</summary>
    public Evaluation? Int8 { get; init; }
}
