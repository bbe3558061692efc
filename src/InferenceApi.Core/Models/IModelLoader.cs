namespace InferenceApi.Core.Models;

/// <summary>
/// Loads the models of some tasks. A new model family plugs in by registering another loader.
/// Throw <see cref="ModelFolderException"/> with a precise reason to refuse a model.
/// </summary>
public interface IModelLoader
{
    bool Handles(ModelTask task);

    /// <summary>Validates, opens sessions, warms up; returns only a runtime that is ready to serve.</summary>
    Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken);
}
