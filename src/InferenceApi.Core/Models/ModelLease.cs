namespace InferenceApi.Core.Models;

/// <summary>
/// A request's hold on the model version serving it, with that version's runtime as the type the caller asked for
/// (<see cref="ModelRepository.Acquire{TRuntime}"/>); dispose when the response is complete.
/// </summary>
public sealed class ModelLease<TRuntime> : IDisposable
    where TRuntime : class, IModelRuntime
{
    private ModelVersion? _version;

    internal ModelLease(ModelVersion version, TRuntime runtime)
    {
        _version = version;
        Model = version;
        Runtime = runtime;
    }

    public ModelVersion Model { get; }

    public TRuntime Runtime { get; }

    public void Dispose() => Interlocked.Exchange(ref _version, null)?.Release();
}
