using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Inference;

/// <summary>
/// A loaded ViT-style image classifier: the folder's preprocessor, sessions, and scheduler. Images are
/// decoded and preprocessed on the request's thread, then queued; one batch is one tensor.
/// </summary>
public sealed class ImageClassifierRuntime : IModelRuntime
{
    private readonly IReadOnlyList<IImageSession> _sessions;
    private readonly ImagePreprocessor _preprocessor;
    private readonly TimeProvider _time;

    public ImageClassifierRuntime(
        ModelDescription description,
        ImagePreprocessor preprocessor,
        IReadOnlyList<IImageSession> sessions,
        BatchScheduler<float[], float[]> scheduler,
        TimeProvider time)
    {
        Description = description;
        _preprocessor = preprocessor;
        _sessions = sessions;
        Scheduler = scheduler;
        _time = time;
    }

    public static IReadOnlyList<ModelTask> Tasks { get; } = [ModelTask.ImageClassification];

    public ModelDescription Description { get; }

    public BatchScheduler<float[], float[]> Scheduler { get; }

    public int QueueDepth => Scheduler.QueueDepth;

    /// <summary>The [3, H, W] tensor length the model takes, for callers that bring tensors of their own (KServe).</summary>
    public int PixelCount => _preprocessor.OutputLength;

    /// <summary>The image height the model takes (after preprocessing).</summary>
    public int Height => _preprocessor.OutputHeight;

    /// <summary>The image width the model takes (after preprocessing).</summary>
    public int Width => _preprocessor.OutputWidth;

    /// <summary>Decodes one image and turns it into the model's input, or says what is wrong with it.</summary>
    public Result<float[]> Prepare(ReadOnlySpan<byte> image, ImageLimits limits, string field)
    {
        using var span = InferenceTracing.Start("preprocess");
        // Resizing to a few pixels needs only a few: an image far larger than that is decoded at a fraction of its size.
        var resizeTo = _preprocessor.Config.DoResize ? (_preprocessor.OutputWidth, _preprocessor.OutputHeight) : ((int, int)?)null;
        var decoded = ImageDecoder.Decode(image, limits, field, resizeTo);
        if (!decoded.IsSuccess)
        {
            return decoded.Error;
        }

        using var pixels = decoded.Value;
        var tensor = new float[_preprocessor.OutputLength];
        _preprocessor.Process(pixels, tensor);
        return tensor;
    }

    /// <summary>Queues preprocessed images, all or none, and waits for their logits in input order.</summary>
    public Task<Result<Timed<float[]>[]>> RunAsync(IReadOnlyList<float[]> images, CancellationToken cancellationToken) =>
        Scheduler.RunAsync(images, static _ => 1, _time.GetUtcNow() + Description.RequestTimeout, cancellationToken);

    public void CutOff() => Scheduler.CutOff();

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }
}
