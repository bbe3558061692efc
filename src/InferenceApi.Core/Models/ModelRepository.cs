using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InferenceApi.Core.Models;

/// <summary>
/// The models this server serves, kept in step with the repository folder. Each rescan loads new and
/// changed versions in the background; a loaded version starts serving once warmed up, and the one it
/// replaces retires only after its in-flight requests finish. A model that fails to load is listed with
/// its reason and never affects the others. Which versions load, serve and retire, and what readiness says,
/// is <see cref="VersionPolicy"/>'s to decide; this class holds the state, the locks and the loads. The
/// repository API's load, unload and index are in <c>ModelRepository.Control.cs</c>.
/// </summary>
public sealed partial class ModelRepository : IAsyncDisposable
{
    private readonly ModelRepositoryOptions _options;
    private readonly VersionPolicy _policy;
    private readonly IReadOnlyList<IModelLoader> _loaders;
    private readonly IInferenceBackend _backend;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelRepository> _logger;
    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private readonly Lock _state = new();
    private readonly List<ModelVersion> _versions = [];
    private IReadOnlyDictionary<(string Name, long Version), string> _seenFingerprints = new Dictionary<(string, long), string>();
    private IReadOnlyList<DiscoveredVersion> _discovered = [];
    private readonly List<Task> _background = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly UnloadedModels _unloaded = new();
    private long _generation;
    private bool _draining;
    private Task? _drain;

    public ModelRepository(
        IOptions<ModelRepositoryOptions> options,
        IEnumerable<IModelLoader> loaders,
        IInferenceBackend backend,
        TimeProvider time,
        ILogger<ModelRepository> logger)
    {
        _options = options.Value;
        _policy = new VersionPolicy(_options.VersionsToServe);
        _loaders = loaders.ToList();
        _backend = backend;
        _time = time;
        _logger = logger;
        RootPath = System.IO.Path.GetFullPath(_options.Path);
    }

    public string RootPath { get; }

    /// <summary>True once the first scan's models have all finished loading (or failed).</summary>
    public bool InitialLoadComplete { get; private set; }

    public bool IsDraining
    {
        get
        {
            lock (_state)
            {
                return _draining;
            }
        }
    }

    /// <summary>
    /// Brings the loaded set in line with the folder. On the first scan every version loads at once and the
    /// call waits for them; later scans load a new or changed folder only once two scans saw it unchanged.
    /// </summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        await _scanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var initial = !InitialLoadComplete;
            var skipped = new List<string>();
            var onDisk = ModelFolderScanner.Scan(RootPath, skipped);
            foreach (var name in skipped)
            {
                _logger.LogWarning("Skipping model folder {Folder}: {Rule}", name, ModelName.Rule);
            }

            var loads = new List<Task>();
            IReadOnlyList<DiscoveredVersion> discovered;
            lock (_state)
            {
                if (_draining)
                {
                    return;
                }

                discovered = _unloaded.Filter(onDisk);
                var plan = _policy.PlanScan(discovered, _versions, _seenFingerprints, initial);
                _discovered = discovered;
                _background.RemoveAll(t => t.IsCompleted);
                loads.AddRange(Apply(plan).Select(l => l.Load));
            }

            if (initial)
            {
                await Task.WhenAll(loads).ConfigureAwait(false);
                InitialLoadComplete = true;
                if (discovered.Count == 0)
                {
                    _logger.LogWarning("No models found in {ModelPath}; the server runs and serves models as they are added there", RootPath);
                }
            }
        }
        finally
        {
            _scanGate.Release();
        }
    }

    /// <summary>
    /// A lease on the version that should answer (the pinned one, or the highest ready one) with its runtime as a
    /// <typeparamref name="TRuntime"/>; a model of another task (or not of <paramref name="task"/>, when given) is a
    /// 400 that names the task the model has and the ones this caller serves.
    /// </summary>
    public Result<ModelLease<TRuntime>> Acquire<TRuntime>(ModelName model, long? pinnedVersion, ModelTask? task = null)
        where TRuntime : class, IModelRuntime
    {
        var name = model.Value;

        // A retiring version refuses leases; a retry sees the version that replaced it.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            ModelVersion? chosen;
            lock (_state)
            {
                if (_draining)
                {
                    return new InferenceError(ErrorKind.Draining, "The server is shutting down and admits no new requests.") { RetryAfter = TimeSpan.FromSeconds(1) };
                }

                var selected = _policy.Select(_versions, name, pinnedVersion);
                if (!selected.IsSuccess)
                {
                    return selected.Error;
                }

                chosen = selected.Value;
            }

            var served = chosen.Runtime!.Description.Task;
            if ((task is { } needed && served != needed) || chosen.Runtime is not TRuntime runtime)
            {
                return WrongTask(name, served, task is { } one ? [one] : TRuntime.Tasks);
            }

            if (chosen.TryAcquire())
            {
                return new ModelLease<TRuntime>(chosen, runtime);
            }
        }

        return new InferenceError(ErrorKind.ModelNotReady, $"Model '{name}' is switching versions; try again.") { RetryAfter = TimeSpan.FromSeconds(1) };
    }

    /// <summary>Every version known, grouped by model name in name order.</summary>
    public IReadOnlyList<VersionSnapshot> Snapshot()
    {
        lock (_state)
        {
            return _versions
                .OrderBy(v => v.Name, StringComparer.Ordinal).ThenByDescending(v => v.Version).ThenByDescending(v => v.Generation)
                .Select(v => new VersionSnapshot(v.Name, v.Version, v.Generation, v.Status, v.Reason, v.Fingerprint, v.Runtime?.Description, v.ReadySince, v.Runtime?.QueueDepth ?? 0))
                .ToList();
        }
    }

    /// <summary>Every model with its serving version and availability, in name order.</summary>
    public IReadOnlyList<ModelView> Models()
    {
        var snapshot = Snapshot();
        return snapshot.Select(v => v.Name).Distinct().Select(name => _policy.Describe(name, snapshot)).ToList();
    }

    /// <summary>One model's serving version and availability; null when no version of it is known.</summary>
    public ModelView? Model(ModelName name)
    {
        var snapshot = Snapshot();
        return snapshot.Any(v => v.Name == name.Value) ? _policy.Describe(name.Value, snapshot) : null;
    }

    /// <summary>
    /// Whether a request for <paramref name="name"/> (and <paramref name="pinnedVersion"/>) would be served now:
    /// false while it loads, after it was refused, or while the server drains; an error when the model or version is unknown.
    /// </summary>
    public Result<bool> IsServing(ModelName name, long? pinnedVersion)
    {
        var selected = _policy.Select(Snapshot(), name.Value, pinnedVersion);
        return selected.IsSuccess ? !IsDraining
            : selected.Error.Kind == ErrorKind.ModelNotReady ? false
            : selected.Error;
    }

    /// <summary>What readiness says; <paramref name="stopping"/> is the host's shutdown signal, which turns it off like a drain.</summary>
    public Readiness Readiness(bool stopping) => _policy.Assess(Snapshot(), InitialLoadComplete, stopping || IsDraining);

    /// <summary>Stops admitting requests, lets queued and running ones finish, and unloads everything.</summary>
    public Task DrainAsync() => DrainAsync(CancellationToken.None);

    /// <summary>
    /// Stops admitting requests, lets queued and running ones finish, and unloads everything; once
    /// <paramref name="cutOff"/> fires, whatever still waits or runs ends at once with a 503 (draining), so that every
    /// client gets an answer before the host stops. Every call joins the one drain.
    /// </summary>
    public async Task DrainAsync(CancellationToken cutOff)
    {
        Task drain;
        lock (_state)
        {
            if (_drain is null)
            {
                _draining = true;
                _drain = UnloadAllAsync([.. _versions]);
            }

            drain = _drain;
        }

        using (cutOff.Register(CutOff))
        {
            await drain.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        _scanGate.Dispose();
        _shutdown.Dispose();
    }

    private static InferenceError WrongTask(string name, ModelTask served, IReadOnlyList<ModelTask> needed)
    {
        var names = needed.Select(t => t.ToName()).ToArray();
        var wanted = names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
        return InferenceError.Invalid(
            "model",
            $"Model '{name}' is a {served.ToName()} model; this endpoint needs a {wanted} model.",
            limit: names.Length == 1 ? names[0] : names,
            received: served.ToName());
    }

    /// <summary>Acts on a plan, under the state lock: retires what it says, and starts loading a new version per folder to load.</summary>
    private List<(ModelVersion Version, Task Load)> Apply(ScanPlan<ModelVersion> plan)
    {
        _seenFingerprints = plan.Seen;
        foreach (var (stale, reason) in plan.Retire)
        {
            Retire(stale, reason);
        }

        var started = new List<(ModelVersion, Task)>();
        foreach (var found in plan.Load)
        {
            var version = new ModelVersion(found, ++_generation);
            _versions.Add(version);
            // A thread of its own: session creation and warm-up block for a second or more, and on a pool thread that
            // is a thread the requests being served need (on 2 cores, half the pool's minimum).
            var load = Task.Factory.StartNew(() => LoadAsync(version), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            started.Add((version, load));
        }

        _background.AddRange(started.Select(s => s.Item2));
        return started;
    }

    private async Task UnloadAllAsync(List<ModelVersion> versions)
    {
        // Off the caller's lock: cancelling the loads runs their callbacks.
        await Task.Yield();
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(versions.Select(v => v.RetireAsync("server shutting down"))).ConfigureAwait(false);
        Task[] background;
        lock (_state)
        {
            background = [.. _background];
        }

        await Task.WhenAll(background).ConfigureAwait(false);
    }

    /// <summary>Ends the in-flight work of every loaded version, the ones retiring after a reload included.</summary>
    private void CutOff()
    {
        List<ModelVersion> versions;
        lock (_state)
        {
            versions = [.. _versions];
        }

        foreach (var version in versions)
        {
            version.Runtime?.CutOff();
        }
    }

    private async Task LoadAsync(ModelVersion version)
    {
        var source = version.Source;
        var started = _time.GetTimestamp();
        _logger.LogInformation("Loading model {Model} version {Version} from {Directory}", source.Name, source.Version, source.Directory);
        try
        {
            var runtime = await LoadRuntimeAsync(source, _shutdown.Token).ConfigureAwait(false);
            bool live;
            lock (_state)
            {
                live = version.MarkReady(runtime, _time.GetUtcNow());
                if (live)
                {
                    foreach (var (older, reason) in _policy.OnReady(version, _versions))
                    {
                        Retire(older, reason);
                    }

                    RetireRemoved();
                }
            }

            if (!live)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
                return;
            }

            _logger.LogInformation(
                "Model {Model} version {Version} is ready: {Task} on {Placement}, loaded and warmed up in {ElapsedMs:0} ms",
                source.Name,
                source.Version,
                runtime.Description.Task.ToName(),
                runtime.Description.Placement,
                _time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception exception) when (exception is ModelFolderException or BackendException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Clients see the reason (model listings, readiness, 503 details) with paths relative to the models
            // root, which they have no business knowing; the log keeps the whole message for the operator.
            var reason = RepositoryPaths.Relative(exception.Message, RootPath);
            lock (_state)
            {
                version.MarkFailed(reason);
                foreach (var earlier in _policy.OnFailed(version, _versions))
                {
                    _versions.Remove(earlier);
                }

                RetireRemoved();
            }

            _logger.LogError("Refused model {Model} version {Version}: {Reason}", source.Name, source.Version, exception.Message);
        }
        catch (OperationCanceledException)
        {
            lock (_state)
            {
                version.MarkFailed("loading was cancelled: the server is shutting down");
            }
        }
    }

    private async Task<IModelRuntime> LoadRuntimeAsync(DiscoveredVersion source, CancellationToken cancellationToken)
    {
        var modelFile = ModelFolderScanner.FindModelFile(source.Directory)
            ?? throw new ModelFolderException($"{ModelFolderScanner.ModelFileName} is missing from {source.Directory}");

        var config = HfModelConfig.Load(System.IO.Path.Combine(source.Directory, "config.json"));
        var (named, settings) = InferenceJson.Load(System.IO.Path.Combine(source.Directory, InferenceJson.FileName), _options.Defaults);
        var signature = _backend.ReadSignature(modelFile);
        var task = named ?? ModelTaskDetector.Detect(config, signature);
        var loader = _loaders.FirstOrDefault(l => l.Handles(task))
            ?? throw new ModelFolderException($"this server does not serve {task.ToName()} models yet");
        return await loader.LoadAsync(new ModelLoadContext(source, config, settings, task, signature, modelFile), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A load ended: a removed version that served while it ran may go now. Called under <see cref="_state"/>.</summary>
    private void RetireRemoved()
    {
        foreach (var (removed, reason) in _policy.RetireRemoved(_discovered, _versions))
        {
            Retire(removed, reason);
        }
    }

    private void Retire(ModelVersion version, string reason)
    {
        _logger.LogInformation("Retiring model {Model} version {Version}: {Reason}", version.Name, version.Version, reason);
        if (version.Status == ModelStatus.Failed)
        {
            _versions.Remove(version);
            return;
        }

        var retirement = Task.Run(async () =>
        {
            await version.RetireAsync(reason).ConfigureAwait(false);
            lock (_state)
            {
                _versions.Remove(version);
            }

            _logger.LogInformation("Model {Model} version {Version} unloaded", version.Name, version.Version);
        });
        _background.Add(retirement);
    }
}
