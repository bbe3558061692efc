namespace InferenceApi.Core.Models;

/// <summary>Whether a model answers requests now, as <c>GET /v1/models</c> shows it.</summary>
public enum ModelAvailability
{
    /// <summary>Some version serves.</summary>
    Ready,

    /// <summary>No version serves yet, and one is loading.</summary>
    Loading,

    /// <summary>No version serves and none is loading: every one was refused or is retiring.</summary>
    Unavailable,
}
