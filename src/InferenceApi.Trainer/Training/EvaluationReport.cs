namespace InferenceApi.Trainer.Training;

/// <summary>An <c>eval</c> run: which checkpoint, on which data, with what result.</summary>
public sealed record EvaluationReport(string Task, string Checkpoint, string DataPath, Evaluation Evaluation, TimeSpan Elapsed);
