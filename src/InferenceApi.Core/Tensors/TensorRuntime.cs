using System.Globalization;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// A loaded graph served as raw tensors (<see cref="ModelTask.Tensor"/>): its sessions and scheduler, and what it
/// takes. When every input and output is dynamic in its first dimension (and <c>maxBatchSize</c> is not 0, Triton's
/// "no batching"), each request row is one scheduler item, so rows of concurrent requests whose other dimensions agree
/// run stacked in one batch and are cut apart again; otherwise each request runs alone, as sent.
/// </summary>
public sealed class TensorRuntime : IModelRuntime
{
    private readonly IReadOnlyList<ITensorSession> _sessions;
    private readonly TimeProvider _time;

    public TensorRuntime(
        ModelDescription description,
        bool batching,
        IReadOnlyList<ITensorSession> sessions,
        BatchScheduler<TensorWork, IReadOnlyList<TensorValue>> scheduler,
        TimeProvider time)
    {
        Description = description;
        Batching = batching;
        _sessions = sessions;
        Scheduler = scheduler;
        _time = time;
    }

    public static IReadOnlyList<ModelTask> Tasks { get; } = [ModelTask.Tensor];

    public ModelDescription Description { get; }

    /// <summary>True when rows of concurrent requests are stacked along the first dimension into one run.</summary>
    public bool Batching { get; }

    public IReadOnlyList<TensorSpec> Inputs => Description.Signature.Inputs;

    public IReadOnlyList<TensorSpec> Outputs => Description.Signature.Outputs;

    public BatchScheduler<TensorWork, IReadOnlyList<TensorValue>> Scheduler { get; }

    public int QueueDepth => Scheduler.QueueDepth;

    /// <summary>
    /// Checks a request against the graph: every input once and no other, each of its element type, rank and fixed
    /// dimensions, none empty, and (when the model batches) one batch size between 1 and <paramref name="maxRows"/>.
    /// Errors name the input and the field at fault.
    /// </summary>
    public Result<TensorRequest> Validate(IReadOnlyList<TensorInput> inputs, int maxRows, string model)
    {
        foreach (var input in inputs)
        {
            if (Inputs.All(spec => spec.Name != input.Name))
            {
                return InferenceError.Invalid(
                    $"{input.Field}.name",
                    $"'{input.Name}' is not an input of model '{model}'; it takes {string.Join(", ", Inputs.Select(TensorElementNames.Describe))}.",
                    limit: Inputs.Select(i => i.Name).ToArray(),
                    received: input.Name);
            }
        }

        var ordered = new TensorValue[Inputs.Count];
        TensorInput? first = null;
        for (var i = 0; i < Inputs.Count; i++)
        {
            var spec = Inputs[i];
            var input = inputs.FirstOrDefault(x => x.Name == spec.Name);
            if (input is null)
            {
                return InferenceError.Invalid("inputs", $"Input '{spec.Name}' is missing: model '{model}' takes {string.Join(", ", Inputs.Select(TensorElementNames.Describe))}.", received: inputs.Select(x => x.Name).ToArray());
            }

            if (Check(spec, input) is { } invalid)
            {
                return invalid;
            }

            if (Batching && first is not null && input.Value.Shape[0] != first.Value.Shape[0])
            {
                return InferenceError.Invalid(
                    $"{input.Field}.shape",
                    $"Inputs '{first.Name}' and '{input.Name}' have different batch sizes: {first.Value.Shape[0]} and {input.Value.Shape[0]}.",
                    limit: first.Value.Shape[0],
                    received: input.Value.Shape[0]);
            }

            first ??= input;
            ordered[i] = input.Value;
        }

        var rows = 1;
        if (Batching && first is not null)
        {
            var batch = first.Value.Shape[0];
            if (batch > maxRows)
            {
                return InferenceError.Invalid(
                    $"{first.Field}.shape",
                    $"Input '{first.Name}' has a batch of {batch}; at most {maxRows} rows are allowed per request (Api:MaxInputsPerRequest).",
                    limit: maxRows,
                    received: batch);
            }

            rows = (int)batch;
        }

        return new TensorRequest(ordered, rows);
    }

    /// <summary>Queues the request's rows (or the request), all or none, and joins each output's rows in request order.</summary>
    public async Task<Result<TensorRun>> RunAsync(TensorRequest request, CancellationToken cancellationToken)
    {
        var items = new TensorWork[Batching ? request.Rows : 1];
        if (Batching)
        {
            var key = Key(request.Inputs);
            for (var row = 0; row < items.Length; row++)
            {
                items[row] = new TensorWork(request.Inputs.Select(t => t.Rows(row, 1)).ToArray(), key);
            }
        }
        else
        {
            items[0] = new TensorWork(request.Inputs, string.Empty);
        }

        var run = await Scheduler.RunAsync(items, static _ => 1, _time.GetUtcNow() + Description.RequestTimeout, cancellationToken, static w => w.Key)
            .ConfigureAwait(false);
        if (!run.IsSuccess)
        {
            return run.Error;
        }

        var results = run.Value;
        var outputs = new TensorValue[Outputs.Count];
        for (var o = 0; o < outputs.Length; o++)
        {
            outputs[o] = TensorStack.Concat(results.Select(r => r.Value[o]).ToArray());
        }

        return new TensorRun(outputs, results.Max(r => r.QueueTime), results.Max(r => r.ComputeTime), results.Max(r => r.BatchSize));
    }

    public void CutOff() => Scheduler.CutOff();

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }

    /// <summary>The dimensions past the first of every input: rows with equal keys stack.</summary>
    private static string Key(IReadOnlyList<TensorValue> inputs) =>
        string.Join('|', inputs.Select(t => string.Join('x', t.Shape.Skip(1).Select(d => d.ToString(CultureInfo.InvariantCulture)))));

    private InferenceError? Check(TensorSpec spec, TensorInput input)
    {
        var value = input.Value;
        if (value.Element != spec.Element)
        {
            var expected = TensorElementNames.Name(spec.Element);
            return InferenceError.Invalid(
                $"{input.Field}.datatype",
                $"Input '{input.Name}' must be {expected}; it is {TensorElementNames.Name(value.Element)}.",
                limit: expected,
                received: TensorElementNames.Name(value.Element));
        }

        var shown = $"[{string.Join(", ", value.Shape)}]";
        var wanted = $"[{string.Join(", ", spec.Shape)}]";
        var fits = value.Shape.Length == spec.Rank;
        for (var d = 0; fits && d < spec.Rank; d++)
        {
            fits = spec.Shape[d] < 0 || spec.Shape[d] == value.Shape[d];
        }

        if (!fits)
        {
            return InferenceError.Invalid(
                $"{input.Field}.shape",
                $"Input '{input.Name}' must have shape {wanted} (-1: any size); it has {shown}.",
                limit: wanted,
                received: shown);
        }

        return value.Count == 0
            ? InferenceError.Invalid($"{input.Field}.shape", $"Input '{input.Name}' has no elements (shape {shown}); send at least one.", received: shown)
            : null;
    }
}
