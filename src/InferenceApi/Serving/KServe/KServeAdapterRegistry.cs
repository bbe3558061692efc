using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving.KServe;

/// <summary>The registered <see cref="IKServeModelAdapter"/>s, and the one rule for picking one for a runtime.</summary>
public sealed class KServeAdapterRegistry(IEnumerable<IKServeModelAdapter> adapters)
{
    private readonly IReadOnlyList<IKServeModelAdapter> _adapters = adapters.ToList();

    public Result<IKServeModelAdapter> For(string model, IModelRuntime runtime)
    {
        var adapter = _adapters.FirstOrDefault(a => a.Handles(runtime));
        return adapter is null
            ? InferenceError.Invalid(
                "model",
                $"Model '{model}' is a {runtime.Description.Task.ToName()} model, which the KServe v2 API does not serve yet; use the /v1 endpoints for it.",
                received: runtime.Description.Task.ToName())
            : Result<IKServeModelAdapter>.Ok(adapter);
    }
}
