using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// Loads any graph ONNX Runtime opens as a <see cref="TensorRuntime"/>: every input and output must be a tensor of a
/// type the protocols carry. The model batches when every input and output is dynamic in its first dimension and
/// <c>maxBatchSize</c> is above 0; a warm-up run of two rows confirms that outputs follow the batch.
/// </summary>
public sealed partial class TensorModelLoader(IInferenceBackend backend, InferenceMetrics metrics, TimeProvider time, ILoggerFactory loggers) : IModelLoader
{
    private readonly ILogger _logger = loggers.CreateLogger<TensorModelLoader>();

    public bool Handles(ModelTask task) => TensorRuntime.Tasks.Contains(task);

    public Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var signature = context.Signature;
        var unsupported = signature.Inputs.Concat(signature.Outputs).Where(t => t.Element == TensorElement.Other).Select(t => t.Name).ToList();
        if (unsupported.Count > 0)
        {
            throw new ModelFolderException(
                $"{string.Join(", ", unsupported.Select(n => $"'{n}'"))} is not a tensor of a type the v2 protocol carries ({string.Join(", ", TensorElementNames.All)}); maps, sequences and other element types cannot be served");
        }

        if (signature.Inputs.Count == 0 || signature.Outputs.Count == 0)
        {
            throw new ModelFolderException("the graph has no inputs or no outputs");
        }

        var settings = context.Settings;
        var batchable = settings.MaxBatchSize > 0 && signature.Inputs.Concat(signature.Outputs).All(t => t.Rank > 0 && t.Shape[0] < 0);
        var limits = settings.ToBatchLimits();
        if (!batchable)
        {
            // Triton's max_batch_size 0: each request runs alone, with the shapes it sent.
            limits = limits with { MaxBatchSize = 1 };
        }

        if (limits.Check(1) is { } problem)
        {
            throw new ModelFolderException($"batching settings: {problem}");
        }

        var inputNames = signature.Inputs.Select(i => i.Name).ToArray();
        var outputNames = signature.Outputs.Select(o => o.Name).ToArray();
        var sessions = new List<ITensorSession>();
        try
        {
            for (var i = 0; i < limits.Instances; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sessions.Add(backend.OpenTensorSession(context.ModelFile, settings.ToSessionSettings()));
            }

            var runner = new TensorBatchRunner(sessions, inputNames, outputNames);
            if (!WarmUp(runner, sessions.Count, signature, batchable, context.Source.Name) && batchable)
            {
                batchable = false;
                limits = limits with { MaxBatchSize = 1 };
            }

            var description = new ModelDescription(context.Task, [], 0, limits, settings.RequestTimeout, sessions[0].Placement, signature);
            var scheduler = new BatchScheduler<TensorWork, IReadOnlyList<TensorValue>>(
                new SchedulerLabel(context.Source.Name, context.Source.Version), limits, runner, time, metrics, loggers.CreateLogger("InferenceApi.Scheduler"));
            return Task.FromResult<IModelRuntime>(new TensorRuntime(description, batchable, sessions, scheduler, time));
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

    /// <summary>
    /// Runs every instance on zeros (dynamic dimensions 1), and a batchable model also on two rows; false when an output
    /// does not follow the batch, so the model is served unbatched. A graph with dynamic dimensions that cannot run at
    /// size 1 (a convolution wider than its input) is not refused for it, since real requests bring real sizes; a graph
    /// of fixed shapes that cannot run is.
    /// </summary>
    private bool WarmUp(TensorBatchRunner runner, int instances, ModelSignature signature, bool batchable, string model)
    {
        var one = new TensorWork(signature.Inputs.Select(Zeros).ToArray(), string.Empty);
        for (var instance = 0; instance < instances; instance++)
        {
            try
            {
                runner.Run([one], instance);
                if (batchable)
                {
                    runner.Run([one, one], instance);
                }
            }
            catch (BackendException exception) when (exception.Message.StartsWith(TensorBatchRunner.NotBatchedPrefix, StringComparison.Ordinal))
            {
                LogNotBatched(_logger, model, exception.Message);
                return false;
            }
            catch (BackendException exception) when (signature.Inputs.Any(i => i.Shape.Any(d => d < 0)))
            {
                LogWarmUpSkipped(_logger, model, exception.Message);
                return batchable;
            }
            catch (BackendException exception)
            {
                throw new ModelFolderException($"the warm-up run failed: {exception.Message}", exception);
            }
        }

        return batchable;
    }

    private static TensorValue Zeros(TensorSpec spec) => TensorValue.Zeros(spec.Element, spec.Shape.Select(d => d < 0 ? 1 : d).ToArray());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} is served unbatched: {Reason}")]
    private static partial void LogNotBatched(ILogger logger, string model, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: the warm-up run on size-1 dimensions failed ({Reason}); it serves, and requests bring their own sizes")]
    private static partial void LogWarmUpSkipped(ILogger logger, string model, string reason);
}
