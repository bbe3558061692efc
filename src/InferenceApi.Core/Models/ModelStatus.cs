namespace InferenceApi.Core.Models;

/// <summary>The life of one model version.</summary>
public enum ModelStatus
{
    /// <summary>Found on disk, being loaded and warmed up.</summary>
    Loading,

    /// <summary>Serving requests.</summary>
    Ready,

    /// <summary>Refused at load; the reason says why.</summary>
    Failed,

    /// <summary>Superseded or removed; finishing its in-flight requests before it unloads.</summary>
    Retiring,

    /// <summary>On disk but not loaded (older than the versions the policy serves).</summary>
    Unloaded,
}
