namespace InferenceApi.Trainer.Training;

/// <summary>Which epoch's weights a run keeps.</summary>
public enum CheckpointSelection
{
    /// <summary>The best epoch on the validation split (the default whenever there is one).</summary>
    Validation,

    /// <summary>The best epoch on the <c>--eval</c> file; only when asked for, since it makes that figure optimistic.</summary>
    Eval,

    /// <summary>The last epoch run.</summary>
    Last,
}
