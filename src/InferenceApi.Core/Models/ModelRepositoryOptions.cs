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

    /// <summary>
    /// How many of the highest ready versions of a model stay loaded and pinnable (Triton's "latest N"). Default 1: a
    /// new version retires the previous one once its requests finish. Deleting the serving version's folder loads the
    /// next version on disk while the deleted one keeps serving from memory, and retires it once the other is ready:
    /// no request fails, and memory holds both only during that swap, as during a publish. No warm standby is kept
    /// (it would hold a second copy of every model all the time, to save one load time on a rare delete); raise
    /// this setting to keep older versions loaded, at one model's memory per extra version.
    /// </summary>
    [Range(1, 100)]
    public int VersionsToServe { get; set; } = 1;

    /// <summary>Serving settings for every model (section <c>Models:Defaults</c>), overridden by each model's inference.json.</summary>
    [Required]
    [ValidateObjectMembers]
    public ServingSettings Defaults { get; set; } = new();
}
