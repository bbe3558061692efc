using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Models;

/// <summary>
/// The version rules of the model repository, apart from its locks, loads and clock: which folders to load,
/// which version serves a request, what retires when a version goes live or its folder goes away, and what
/// readiness says. Pure: it reads version states and answers decisions; <see cref="ModelRepository"/> acts on
/// them, and every route asks the repository, so the rules are written once.
/// </summary>
/// <remarks>
/// Today: the <see cref="VersionsToServe"/> highest versions on disk are loaded; the highest ready version (its
/// newest copy) serves; a version retires once its folder is gone, or once a newer version is ready and it falls
/// out of the highest <see cref="VersionsToServe"/>; the server is ready once the first scan has loaded, while no
/// version is loading and while it is not draining. A refused model is degraded, never unready.
/// </remarks>
public sealed class VersionPolicy(int versionsToServe)
{
    public int VersionsToServe { get; } = versionsToServe;

    /// <summary>
    /// What to load and retire after a scan found <paramref name="discovered"/>. On the first scan every wanted
    /// folder loads at once; later a new or changed folder loads only once two scans in a row saw the same
    /// fingerprint (a copy in progress keeps changing), which <paramref name="pending"/> carries between scans.
    /// </summary>
    public ScanPlan<T> PlanScan<T>(
        IReadOnlyList<DiscoveredVersion> discovered,
        IReadOnlyList<T> versions,
        IReadOnlyDictionary<(string Name, long Version), string> pending,
        bool initial)
        where T : IVersionState
    {
        var wanted = Wanted(discovered);
        var load = new List<DiscoveredVersion>();
        var nextPending = new Dictionary<(string Name, long Version), string>();
        foreach (var found in wanted)
        {
            var key = (found.Name, found.Version);
            var current = versions.Where(v => v.Name == found.Name && v.Version == found.Version && v.Status != ModelStatus.Retiring)
                .MaxBy(v => v.Generation);
            if (current is not null && current.Fingerprint == found.Fingerprint)
            {
                continue;
            }

            if (!initial && (!pending.TryGetValue(key, out var seen) || seen != found.Fingerprint))
            {
                nextPending[key] = found.Fingerprint;
                continue;
            }

            load.Add(found);
        }

        var onDisk = discovered.Select(d => (d.Name, d.Version)).ToHashSet();
        var served = wanted.Select(d => (d.Name, d.Version)).ToHashSet();
        var retire = new List<(T, string)>();
        foreach (var version in versions.Where(v => v.Status != ModelStatus.Retiring))
        {
            if (!onDisk.Contains((version.Name, version.Version)))
            {
                retire.Add((version, "removed from the model repository"));
            }
            else if (!served.Contains((version.Name, version.Version))
                && versions.Any(v => v.Name == version.Name && v.Status == ModelStatus.Ready && v.Version > version.Version))
            {
                retire.Add((version, "superseded by a newer version"));
            }
        }

        return new ScanPlan<T>(load, retire, nextPending);
    }

    /// <summary>What retires now that <paramref name="ready"/> (one of <paramref name="versions"/>) serves.</summary>
    public IReadOnlyList<(T Version, string Reason)> OnReady<T>(T ready, IReadOnlyList<T> versions)
        where T : IVersionState
    {
        var retire = new List<(T, string)>();
        var siblings = versions.Where(v => v.Name == ready.Name && v.Generation != ready.Generation && v.Status is ModelStatus.Ready or ModelStatus.Failed).ToList();
        foreach (var older in siblings.Where(v => v.Version == ready.Version && v.Generation < ready.Generation))
        {
            retire.Add((older, $"replaced by a newer copy of version {ready.Version}"));
        }

        var keep = versions.Where(v => v.Name == ready.Name && v.Status == ModelStatus.Ready)
            .Select(v => v.Version).Distinct().OrderDescending().Take(VersionsToServe).ToHashSet();
        foreach (var stale in siblings.Where(v => !keep.Contains(v.Version) && v.Version < ready.Version))
        {
            retire.Add((stale, $"superseded by version {ready.Version}"));
        }

        return retire;
    }

    /// <summary>Earlier refusals of the same version as <paramref name="failed"/>: only the latest reason is kept.</summary>
    public IReadOnlyList<T> OnFailed<T>(T failed, IReadOnlyList<T> versions)
        where T : IVersionState =>
        versions.Where(v => v.Generation != failed.Generation && v.Name == failed.Name && v.Version == failed.Version && v.Status == ModelStatus.Failed).ToList();

    /// <summary>
    /// The copy that answers a request for <paramref name="name"/>: of the pinned version, or of any version, the
    /// highest ready one (its newest copy). Otherwise the error a client sees: unknown model or version (404), or
    /// not ready (503 with a retry hint: soon while a version loads, later when every one was refused).
    /// </summary>
    public Result<T> Select<T>(IReadOnlyList<T> versions, string name, long? pinned)
        where T : IVersionState
    {
        var all = versions.Where(v => v.Name == name).ToList();
        if (all.Count == 0)
        {
            return InferenceError.ModelNotFound(name);
        }

        var candidates = pinned is { } version ? all.Where(v => v.Version == version).ToList() : all;
        if (candidates.Count == 0)
        {
            return new InferenceError(ErrorKind.NotFound, $"Model '{name}' has no version {pinned}. Loaded versions: {string.Join(", ", all.Select(v => v.Version).Distinct().Order())}.")
            {
                Field = "version",
                Received = pinned,
            };
        }

        var chosen = candidates.Where(v => v.Status == ModelStatus.Ready)
            .OrderByDescending(v => v.Version).ThenByDescending(v => v.Generation).FirstOrDefault();
        return chosen is not null ? Result<T>.Ok(chosen) : NotReady(name, candidates);
    }

    /// <summary>One model's availability, serving version and pinnable versions, from its copies in snapshot order.</summary>
    public ModelView Describe(string name, IReadOnlyList<VersionSnapshot> versions)
    {
        var serving = Select(versions, name, pinned: null);
        var availability = serving.IsSuccess ? ModelAvailability.Ready
            : versions.Any(v => v.Name == name && v.Status == ModelStatus.Loading) ? ModelAvailability.Loading
            : ModelAvailability.Unavailable;
        var ready = versions.Where(v => v.Name == name && v.Status == ModelStatus.Ready).Select(v => v.Version).Distinct().Order().ToList();
        return new ModelView(name, availability, serving.Value, ready, versions.Where(v => v.Name == name).ToList());
    }

    /// <summary>What readiness says about the server and each version.</summary>
    public Readiness Assess(IReadOnlyList<VersionSnapshot> versions, bool initialLoadComplete, bool draining)
    {
        var entries = new List<ReadinessEntry>();
        if (!initialLoadComplete)
        {
            entries.Add(new ReadinessEntry("models", ReadinessHealth.Unready, "loading the model repository"));
        }

        foreach (var version in versions)
        {
            var (health, description) = version.Status switch
            {
                ModelStatus.Ready => (ReadinessHealth.Healthy, $"{version.Description?.Task.ToName()} on {version.Description?.Placement}"),
                ModelStatus.Loading => (ReadinessHealth.Unready, "loading and warming up"),
                ModelStatus.Retiring => (ReadinessHealth.Healthy, $"retiring: {version.Reason}"),
                _ => (ReadinessHealth.Degraded, $"refused: {version.Reason}"),
            };
            entries.Add(new ReadinessEntry($"model:{version.Name}:{version.Version}", health, description, version));
        }

        if (draining)
        {
            entries.Add(new ReadinessEntry("server", ReadinessHealth.Unready, "shutting down: finishing queued requests"));
        }

        return new Readiness(entries.TrueForAll(e => e.Health != ReadinessHealth.Unready), entries);
    }

    /// <summary>The folders that should be loaded: the highest <see cref="VersionsToServe"/> versions of each model.</summary>
    private List<DiscoveredVersion> Wanted(IReadOnlyList<DiscoveredVersion> discovered) =>
        discovered.GroupBy(d => d.Name).SelectMany(g => g.OrderByDescending(d => d.Version).Take(VersionsToServe)).ToList();

    private static InferenceError NotReady<T>(string name, List<T> candidates)
        where T : IVersionState
    {
        var loading = candidates.Any(v => v.Status == ModelStatus.Loading);
        var reasons = string.Join("; ", candidates.Where(v => v.Reason is not null).Select(v => $"version {v.Version}: {v.Reason}"));
        var message = loading
            ? $"Model '{name}' is loading and not ready yet."
            : $"Model '{name}' has no ready version. {reasons}";
        return new InferenceError(ErrorKind.ModelNotReady, message) { RetryAfter = TimeSpan.FromSeconds(loading ? 2 : 30) };
    }
}
