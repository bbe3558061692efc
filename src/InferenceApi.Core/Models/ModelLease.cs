namespace InferenceApi.Core.Models;

/// <summary>A request's hold on the model version serving it; dispose when the response is complete.</summary>
public sealed class ModelLease : IDisposable
{
    private ModelVersion? _version;

    internal ModelLease(ModelVersion version, IModelRuntime runtime)
    {
        _version = version;
        Model = version;
        Runtime = runtime;
    }

    public ModelVersion Model { get; }

    public IModelRuntime Runtime { get; }

    public void Dispose() => Interlocked.Exchange(ref _version, null)?.Release();
}
