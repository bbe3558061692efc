using InferenceApi.Core.Models;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// The base of every <see cref="IKServeModelAdapter"/>: it handles the runtimes of type <typeparamref name="TRuntime"/>,
/// and hands its subclass the leased model with its runtime already of that type.
/// </summary>
public abstract class KServeModelAdapter<TRuntime> : IKServeModelAdapter
    where TRuntime : class, IModelRuntime
{
    public bool Handles(IModelRuntime runtime) => runtime is TRuntime;

    public abstract KServeModelSignature Describe(ModelDescription description);

    public Task<Served<IReadOnlyList<KServeOutput>>> InferAsync(
        ModelLease<IModelRuntime> lease, ValidatedInferRequest request, CancellationToken cancellationToken) =>
        lease.Runtime is TRuntime runtime
            ? InferAsync(lease.Model, runtime, request, cancellationToken)
            : throw new InvalidOperationException($"{GetType().Name} was handed a {lease.Runtime.GetType().Name}; KServeAdapterRegistry picks adapters by Handles.");

    /// <summary>What <see cref="IKServeModelAdapter.InferAsync"/> does, for a model whose runtime is a <typeparamref name="TRuntime"/>.</summary>
    protected abstract Task<Served<IReadOnlyList<KServeOutput>>> InferAsync(
        ModelVersion model, TRuntime runtime, ValidatedInferRequest request, CancellationToken cancellationToken);
}
