namespace InferenceApi.Onnx;

/// <summary>What a session is opened for, which decides how its operators get their threads.</summary>
public enum SessionRole
{
    /// <summary>Batches from the scheduler, one Run at a time with HTTP work between them (encoders, images, tensors).</summary>
    Batch,

    /// <summary>A generation model's decode loop: one step's Run after another from one thread.</summary>
    DecodeLoop,
}
