namespace InferenceApi.Core.Models;

/// <summary>
/// Models unloaded through the repository API, and how their folders looked then. Such a model stays unloaded while
/// its folder is unchanged: the poller passes over it. A load through the API, or any change to its folder (a version
/// added, removed or rewritten), lifts the unload, and the folder serves again as usual.
/// </summary>
public sealed class UnloadedModels
{
    private readonly Dictionary<string, HashSet<string>> _fingerprints = new(StringComparer.Ordinal);

    public void Unload(string name, IEnumerable<DiscoveredVersion> onDisk) =>
        _fingerprints[name] = onDisk.Where(d => d.Name == name).Select(d => d.Fingerprint).ToHashSet();

    public void Lift(string name) => _fingerprints.Remove(name);

    public bool IsUnloaded(string name) => _fingerprints.ContainsKey(name);

    /// <summary>What the poller should see: <paramref name="discovered"/> without the unloaded models whose folders did not change (changed ones are lifted).</summary>
    public IReadOnlyList<DiscoveredVersion> Filter(IReadOnlyList<DiscoveredVersion> discovered)
    {
        foreach (var name in _fingerprints.Keys.ToList())
        {
            var now = discovered.Where(d => d.Name == name).Select(d => d.Fingerprint).ToHashSet();
            if (!now.SetEquals(_fingerprints[name]))
            {
                _fingerprints.Remove(name);
            }
        }

        return _fingerprints.Count == 0 ? discovered : discovered.Where(d => !_fingerprints.ContainsKey(d.Name)).ToList();
    }
}
