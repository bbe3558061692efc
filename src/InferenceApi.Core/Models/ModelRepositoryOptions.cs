using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace InferenceApi.Core.Models;

/// <summary>Where models live and how the repository watches them (section <c>Models</c>).</summary>
public sealed class ModelRepositoryOptions
{
    public const string Section = "Models";

    /// <summary>The model repository folder, relative to the working directory or absolute. Default "models".</summary>
    [Required]
    public string Path { get; set; } = "models";

    /// <summary>How often the folder is rescanned for new, changed and removed versions, in ms. Default 2000. A new folder goes live after two identical scans, so half-copied files are never loaded.</summary>
    [Range(50, 600_000)]
    public int PollIntervalMs { get; set; } = 2000;

    /// <summary>How many of the highest ready versions of a model stay loaded and pinnable (Triton's "latest N"). Default 1: a new version retires the previous one once its requests finish.</summary>
    [Range(1, 100)]
    public int VersionsToServe { get; set; } = 1;

    /// <summary>Serving settings for every model (section <c>Models:Defaults</c>), overridden by each model's inference.json.</summary>
    [Required]
    [ValidateObjectMembers]
    public ServingSettings Defaults { get; set; } = new();
}
