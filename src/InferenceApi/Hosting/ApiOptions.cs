using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Hosting;

/// <summary>Limits on what one request may carry (section <c>Api</c>). Every input the API accepts is bounded here or by the model.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest request body in bytes; more gets 413. Default 4 MiB. Raise it for long batches of long texts.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most texts in one request; more gets 400. Default 128. Larger lists hold a request's queue places longer.</summary>
    [Range(1, 100_000)]
    public int MaxInputsPerRequest { get; set; } = 128;

    /// <summary>Most characters in one text before tokenizing; more gets 413. Default 100000. Stops huge texts costing tokenizer time when the model would refuse them anyway.</summary>
    [Range(1, 10_000_000)]
    public int MaxInputCharacters { get; set; } = 100_000;

    /// <summary>Most token ids in one detokenize request. Default 100000.</summary>
    [Range(1, 10_000_000)]
    public int MaxDetokenizeIds { get; set; } = 100_000;
}
