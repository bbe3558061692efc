using InferenceApi.Core.Models;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// The seam between the KServe v2 endpoints and one kind of model runtime. The endpoints validate the request's
/// shape (<see cref="KServeRequestValidator"/>), lease the model, pick the first adapter whose
/// <see cref="Handles"/> accepts the leased runtime (400 when none does), check requested output names against
/// <see cref="Describe"/>, and keep only the requested outputs of what <see cref="InferAsync"/> returns.
/// </summary>
/// <remarks>
/// To serve another kind of model over <c>/v2</c>: derive a sealed class from <see cref="KServeModelAdapter{TRuntime}"/>
/// for its runtime type, next to <see cref="TextEncoderKServeAdapter"/>, and register it in
/// <c>InferenceServerExtensions.AddInferenceServer</c> as <c>services.AddSingleton&lt;IKServeModelAdapter, YourAdapter&gt;()</c>.
/// Nothing in the endpoints changes. An adapter should turn each batch row into one scheduler item, so that KServe
/// requests are batched with the model's other requests, and return errors (never throw) with precise messages
/// naming <see cref="KServeTensor.Field"/>; <see cref="KServeRequestValidator.BatchSize"/> checks batch dimensions.
/// </remarks>
public interface IKServeModelAdapter
{
    /// <summary>True when this adapter knows how to feed <paramref name="runtime"/>.</summary>
    bool Handles(IModelRuntime runtime);

    /// <summary>The inputs and outputs this adapter offers for a model described so (shapes with -1 where dynamic).</summary>
    KServeModelSignature Describe(ModelDescription description);

    /// <summary>
    /// Checks the request against the model, runs it through the model's scheduler, and returns every output this
    /// adapter offers (the endpoint filters them by <see cref="ValidatedInferRequest.RequestedOutputs"/>, which an
    /// adapter may also read to skip work), with where the rows went (cache, queue, batch). The lease stays held by the
    /// caller until the answer is written.
    /// </summary>
    Task<Served<IReadOnlyList<KServeOutput>>> InferAsync(
        ModelLease<IModelRuntime> lease,
        ValidatedInferRequest request,
        CancellationToken cancellationToken);
}
