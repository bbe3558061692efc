using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Models;

/// <summary>
/// Model control (Triton's model repository extension): load a model's folder now, unload a model, list the index.
/// Loads and unloads go through the same versions, leases and retirement as folder changes, so an unload lets
/// in-flight requests finish and a load serves only once warmed up. How they meet the poller: an unload holds until
/// a load or a change to the model's folder (<see cref="UnloadedModels"/>); a load skips the two-identical-scans wait.
/// </summary>
public sealed partial class ModelRepository
{
    /// <summary>
    /// Loads (or reloads) <paramref name="model"/> from its folder now, without waiting for the poller's two identical
    /// scans, and lifts an unload; returns once its versions are ready, or the reason the last one was refused.
    /// </summary>
    public async Task<Result<bool>> LoadAsync(ModelName model, CancellationToken cancellationToken)
    {
        var name = model.Value;
        await _scanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<ModelVersion> loading;
        try
        {
            var onDisk = ModelFolderScanner.Scan(RootPath).Where(d => d.Name == name).ToList();
            if (onDisk.Count == 0)
            {
                return new InferenceError(ErrorKind.NotFound, $"Model '{name}' has no folder in the model repository.") { Field = "name", Received = name };
            }

            lock (_state)
            {
                if (_draining)
                {
                    return new InferenceError(ErrorKind.Draining, "The server is shutting down and loads no models.");
                }

                _unloaded.Lift(name);
                // The model's folders count as seen again: a version that was unloaded must not look removed when a load ends.
                _discovered = [.. _discovered.Where(d => d.Name != name), .. onDisk];
                loading = Apply(_policy.PlanLoad(name, onDisk, _versions, _seenFingerprints)).ConvertAll(l => l.Version);
            }
        }
        finally
        {
            _scanGate.Release();
        }

        await Task.WhenAll(loading.Select(v => v.Settled.WaitAsync(cancellationToken))).ConfigureAwait(false);
        return loading.FirstOrDefault(v => v.Status == ModelStatus.Failed) is { } refused
            ? InferenceError.Invalid("name", $"Model '{name}' version {refused.Version} was refused: {refused.Reason}", received: name)
            : true;
    }

    /// <summary>
    /// Unloads every version of <paramref name="model"/>: they stop taking requests at once and unload once their
    /// in-flight requests finish. The unload holds until <see cref="LoadAsync(ModelName, CancellationToken)"/> or a
    /// change to the model's folder.
    /// </summary>
    public Result<bool> Unload(ModelName model)
    {
        var name = model.Value;
        lock (_state)
        {
            var onDisk = ModelFolderScanner.Scan(RootPath);
            var retire = _policy.PlanUnload(name, _versions);
            if (retire.Count == 0 && onDisk.All(d => d.Name != name))
            {
                return InferenceError.ModelNotFound(name);
            }

            _unloaded.Unload(name, onDisk);
            foreach (var (version, reason) in retire)
            {
                Retire(version, reason);
            }

            return true;
        }
    }

    /// <summary>Every model version on disk or loaded, with Triton's state names (the repository extension's index).</summary>
    public IReadOnlyList<RepositoryIndexEntry> Index()
    {
        var onDisk = ModelFolderScanner.Scan(RootPath);
        lock (_state)
        {
            var entries = new List<RepositoryIndexEntry>();
            foreach (var key in onDisk.Select(d => (d.Name, d.Version)).Concat(_versions.Select(v => (v.Name, v.Version))).Distinct().OrderBy(k => k.Name, StringComparer.Ordinal).ThenBy(k => k.Version))
            {
                var version = _versions.Where(v => v.Name == key.Name && v.Version == key.Version).MaxBy(v => v.Generation);
                var (state, reason) = version?.Status switch
                {
                    ModelStatus.Ready => ("READY", string.Empty),
                    ModelStatus.Loading => ("LOADING", string.Empty),
                    ModelStatus.Retiring => ("UNLOADING", version.Reason ?? string.Empty),
                    ModelStatus.Failed => ("UNAVAILABLE", version.Reason ?? string.Empty),
                    _ => ("UNAVAILABLE", _unloaded.IsUnloaded(key.Name) ? "unloaded through the repository API" : "not among the versions served (Models:VersionsToServe), or not loaded yet"),
                };
                entries.Add(new RepositoryIndexEntry(key.Name, key.Version, state, reason));
            }

            return entries;
        }
    }
}
