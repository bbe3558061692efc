using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Inference;

/// <summary>Loads ViT-style image classifiers: <c>model.onnx</c>, <c>config.json</c> labels, <c>preprocessor_config.json</c>.</summary>
public sealed class ImageClassifierLoader(IInferenceBackend backend, InferenceMetrics metrics, TimeProvider time, ILoggerFactory loggers) : IModelLoader
{
    public const string PreprocessorFileName = "preprocessor_config.json";

    public bool Handles(ModelTask task) => ImageClassifierRuntime.Tasks.Contains(task);

    public Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var preprocessorFile = Path.Combine(context.Source.Directory, PreprocessorFileName);
        if (!File.Exists(preprocessorFile))
        {
            throw new ModelFolderException($"{PreprocessorFileName} is missing: an image classifier needs it for the resize and normalisation its training used");
        }

        var config = PreprocessorConfig.Load(preprocessorFile);
        var preprocessor = new ImagePreprocessor(config);
        var labels = context.Config.Labels;
        ImageSignatureValidator.Validate(context.Signature, labels.Count, config.OutputHeight, config.OutputWidth);
        if (labels.Count == 0)
        {
            var width = context.Signature.Output(OptimumLayout.Logits)!.Shape[1];
            labels = width > 0
                ? Enumerable.Range(0, (int)width).Select(i => $"LABEL_{i}").ToArray()
                : throw new ModelFolderException("config.json has no id2label and the logits width is not fixed, so the labels are unknown");
        }

        var limits = context.Settings.ToBatchLimits();
        if (limits.Check(1) is { } problem)
        {
            throw new ModelFolderException($"batching settings: {problem}");
        }

        var sessions = new List<IImageSession>();
        try
        {
            for (var i = 0; i < limits.Instances; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sessions.Add(backend.OpenImageClassifier(context.ModelFile, context.Settings.ToSessionSettings()));
            }

            var runner = new ImageBatchRunner(sessions, config.OutputHeight, config.OutputWidth);
            WarmUp(runner, sessions.Count, preprocessor.OutputLength, labels.Count);
            var description = new ModelDescription(
                context.Task, labels, 0, limits, context.Settings.RequestTimeout, sessions[0].Placement, context.Signature);
            var scheduler = new BatchScheduler<float[], float[]>(
                new SchedulerLabel(context.Source.Name, context.Source.Version), limits, runner, time, metrics, loggers.CreateLogger("InferenceApi.Scheduler"));
            return Task.FromResult<IModelRuntime>(new ImageClassifierRuntime(description, preprocessor, sessions, scheduler, time));
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            throw;
        }
    }

    /// <summary>Runs every instance alone and batched, and checks the real logits width against the labels.</summary>
    private static void WarmUp(ImageBatchRunner runner, int instances, int pixelCount, int labelCount)
    {
        var blank = new float[pixelCount];
        for (var instance = 0; instance < instances; instance++)
        {
            runner.Run([blank], instance);
            var outputs = runner.Run([blank, blank, blank, blank], instance);
            if (outputs[0].Length != labelCount)
            {
                throw new ModelFolderException($"the model returned {outputs[0].Length} logits but config.json has {labelCount} labels");
            }
        }
    }
}
