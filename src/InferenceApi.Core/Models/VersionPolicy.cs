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
/// newest copy) serves; a version retires once a newer version is ready and it falls out of the highest
/// <see cref="VersionsToServe"/>, or once its folder is gone. A removed version that is the model's only ready one
/// keeps serving while the next version on disk loads, and retires once that one is ready or refused: deleting the
/// serving version never leaves a gap (no standby is kept loaded: memory holds two copies only during the swap, as
/// during a publish). The server is ready once the first scan has loaded and while it is not draining; a version
/// that loads or was refused is Degraded, never unready, because every replica watching the same folder sees the
/// same publish at the same moment: taking them out of rotation for it would take the whole service down. The
/// repository API's load reloads a model's wanted versions at once (<see cref="PlanLoad"/>) and its unload retires
/// every version (<see cref="PlanUnload"/>).
/// </remarks>
public sealed class VersionPolicy(int versionsToServe)
{
    public int VersionsToServe { get; } = versionsToServe;

    /// <summary>
    /// What to load and retire after a scan found <paramref name="discovered"/>. On the first scan every wanted
    /// folder loads at once; later a new or changed folder loads only once two scans in a row saw the same
    /// fingerprint (a copy in progress keeps changing). <paramref name="seen"/> is what the previous scan saw of
    /// every folder, wanted or not, so an older version that waited unchanged on disk loads at once when it becomes
    /// wanted (its newer version deleted).
    /// </summary>
    public ScanPlan<T> PlanScan<T>(
        IReadOnlyList<DiscoveredVersion> discovered,
        IReadOnlyList<T> versions,
        IReadOnlyDictionary<(string Name, long Version), string> seen,
        bool initial)
        where T : IVersionState
    {
        var wanted = Wanted(discovered);
        var load = new List<DiscoveredVersion>();
        foreach (var found in wanted)
        {
            var key = (found.Name, found.Version);
            var current = versions.Where(v => v.Name == found.Name && v.Version == found.Version && v.Status != ModelStatus.Retiring)
                .MaxBy(v => v.Generation);
            if (current is not null && current.Fingerprint == found.Fingerprint)
            {
                continue;
            }

            if (initial || (seen.TryGetValue(key, out var before) && before == found.Fingerprint))
            {
                load.Add(found);
            }
        }

        var onDisk = discovered.Select(d => (d.Name, d.Version)).ToHashSet();
        var served = wanted.Select(d => (d.Name, d.Version)).ToHashSet();
        var retire = RetireRemoved(discovered, versions).ToList();
        foreach (var version in versions.Where(v => v.Status != ModelStatus.Retiring && onDisk.Contains((v.Name, v.Version))))
        {
            if (!served.Contains((version.Name, version.Version))
                && versions.Any(v => v.Name == version.Name && v.Status == ModelStatus.Ready && v.Version > version.Version))
            {
                retire.Add((version, "superseded by a newer version"));
            }
        }

        var nextSeen = discovered.ToDictionary(d => (d.Name, d.Version), d => d.Fingerprint);
        return new ScanPlan<T>(load, retire, nextSeen);
    }

    /// <summary>
    /// The versions whose folders are not in <paramref name="discovered"/> that retire now. A model's only ready
    /// version stays while another version of it on disk loads or is about to (it is wanted and has no copy yet):
    /// it serves until that one is ready or refused, so the repository asks again whenever a load ends.
    /// </summary>
    public IReadOnlyList<(T Version, string Reason)> RetireRemoved<T>(IReadOnlyList<DiscoveredVersion> discovered, IReadOnlyList<T> versions)
        where T : IVersionState
    {
        var onDisk = discovered.Select(d => (d.Name, d.Version)).ToHashSet();
        var wanted = Wanted(discovered);
        var retire = new List<(T, string)>();
        foreach (var version in versions.Where(v => v.Status != ModelStatus.Retiring && !onDisk.Contains((v.Name, v.Version))))
        {
            var readyOnDisk = versions.Any(v => v.Name == version.Name && v.Status == ModelStatus.Ready && onDisk.Contains((v.Name, v.Version)));
            var coming = wanted.Any(w => w.Name == version.Name && IsComing(w, versions));
            if (version.Status != ModelStatus.Ready || readyOnDisk || !coming)
            {
                retire.Add((version, "removed from the model repository"));
            }
        }

        return retire;
    }

    /// <summary>
    /// What a load through the repository API does to <paramref name="name"/>, whose folders are <paramref name="onDisk"/>:
    /// every wanted version loads again now, as Triton's load does (the caller says the folder is complete, so no
    /// two-scan wait; the new copy serves once warm and <see cref="OnReady"/> retires the old one), versions whose folder
    /// is gone retire by <see cref="RetireRemoved"/>'s rule, and what the last scan saw is kept.
    /// </summary>
    public ScanPlan<T> PlanLoad<T>(
        string name,
        IReadOnlyList<DiscoveredVersion> onDisk,
        IReadOnlyList<T> versions,
        IReadOnlyDictionary<(string Name, long Version), string> seen)
        where T : IVersionState
    {
        var folders = onDisk.Where(d => d.Name == name).ToList();
        return new ScanPlan<T>(Wanted(folders), RetireRemoved(folders, versions.Where(v => v.Name == name).ToList()), seen);
    }

    /// <summary>An unload through the repository API: every version of <paramref name="name"/> not already retiring.</summary>
    public IReadOnlyList<(T Version, string Reason)> PlanUnload<T>(string name, IReadOnlyList<T> versions)
        where T : IVersionState =>
        versions.Where(v => v.Name == name && v.Status != ModelStatus.Retiring).Select(v => (v, "unloaded through the repository API")).ToList();

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
            var serving = Select(versions, version.Name, pinned: null).Value;
            var (health, description) = version.Status switch
            {
                ModelStatus.Ready => (ReadinessHealth.Healthy, $"{version.Description?.Task.ToName()} on {version.Description?.Placement}"),
                ModelStatus.Loading => (ReadinessHealth.Degraded, serving is null ? "loading and warming up; no version serves yet" : $"loading and warming up; version {serving.Version} serves meanwhile"),
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

    /// <summary>
    /// Whether a wanted folder will serve unless refused: a copy of it loads, or it has no copy yet (it loads at
    /// this scan or the next identical one). A refused or retiring copy of the same files will not.
    /// </summary>
    private static bool IsComing<T>(DiscoveredVersion folder, IReadOnlyList<T> versions)
        where T : IVersionState
    {
        var copies = versions.Where(v => v.Name == folder.Name && v.Version == folder.Version).ToList();
        return copies.Exists(v => v.Status == ModelStatus.Loading)
            || !copies.Exists(v => v.Status != ModelStatus.Retiring && v.Fingerprint == folder.Fingerprint);
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
