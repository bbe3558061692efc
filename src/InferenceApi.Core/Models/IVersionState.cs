namespace InferenceApi.Core.Models;

/// <summary>What <see cref="VersionPolicy"/> reads about one copy of one model version.</summary>
public interface IVersionState
{
    string Name { get; }

    long Version { get; }

    /// <summary>Orders reloads of the same version number; the newest ready generation serves.</summary>
    long Generation { get; }

    ModelStatus Status { get; }

    /// <summary>Why the version was refused or is retiring; null otherwise.</summary>
    string? Reason { get; }

    /// <summary>The fingerprint of the folder it was loaded from (<see cref="DiscoveredVersion.Fingerprint"/>).</summary>
    string Fingerprint { get; }
}
