using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Models;

/// <summary>Everything read from a version folder before a loader for its task takes over.</summary>
public sealed record ModelLoadContext(
    DiscoveredVersion Source,
    HfModelConfig Config,
    ServingSettings Settings,
    ModelTask Task,
    ModelSignature Signature,
    string ModelFile);
