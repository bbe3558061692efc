namespace InferenceApi.Core.Models;

/// <summary>How one readiness entry counts: the server is ready only while no entry is <see cref="Unready"/>.</summary>
public enum ReadinessHealth
{
    Healthy,

    /// <summary>Worth a look but not a reason to stop traffic (a refused model: the others still serve).</summary>
    Degraded,

    /// <summary>Take the server out of rotation until this clears.</summary>
    Unready,
}
