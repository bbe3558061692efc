using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tensors;
using InferenceApi.Validation;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// KServe v2 for any graph served as raw tensors (<see cref="TensorRuntime"/>): the graph's own inputs and outputs, by
/// name, datatype and shape (-1 where dynamic). Requests are checked against them (every input, its datatype, rank and
/// fixed dimensions, one batch size), then run through the model's scheduler: when the model batches, each row is one
/// item, stacked with the rows of concurrent requests whose other dimensions agree. Every output is computed; the
/// endpoint keeps the requested ones. Results are not cached: a graph may be non-deterministic, and tensors are large.
/// </summary>
public sealed class TensorKServeAdapter(RequestValidator validator) : KServeModelAdapter<TensorRuntime>
{
    public override KServeModelSignature Describe(ModelDescription description) => new(
        description.Signature.Inputs.Select(i => new KServeTensorMetadata(i.Name, KServeDatatype.Of(i.Element), i.Shape)).ToArray(),
        description.Signature.Outputs.Select(o => new KServeTensorMetadata(o.Name, KServeDatatype.Of(o.Element), o.Shape)).ToArray());

    protected override async Task<Served<IReadOnlyList<KServeOutput>>> InferAsync(
        ModelVersion model, TensorRuntime runtime, ValidatedInferRequest request, CancellationToken cancellationToken)
    {
        var inputs = request.Inputs.Select(i => new TensorInput(i.Name, i.Field, i.Value)).ToArray();
        var validated = runtime.Validate(inputs, validator.Limits.MaxInputsPerRequest, model.Name);
        if (!validated.IsSuccess)
        {
            return validated.Error;
        }

        var run = await runtime.RunAsync(validated.Value, cancellationToken).ConfigureAwait(false);
        if (!run.IsSuccess)
        {
            return new Served<IReadOnlyList<KServeOutput>>(run.Error, model);
        }

        var done = run.Value;
        var outputs = runtime.Outputs.Select((spec, o) => new KServeOutput(spec.Name, done.Outputs[o])).ToArray();
        var report = new RunReport(validated.Value.Rows, 0, done.QueueTime, done.ComputeTime, done.LargestBatch);
        return new Served<IReadOnlyList<KServeOutput>>(outputs, model, report);
    }
}
