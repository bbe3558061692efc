using InferenceApi.Core.Imaging;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// The one preprocessing the trainer and the exported <c>preprocessor_config.json</c> share: resize to a square,
/// rescale by 1/255, normalise every channel with mean 0.5 and std 0.5.
/// </summary>
public static class ImageNormalization
{
    public const float Mean = 0.5f;
    public const float Std = 0.5f;

    /// <summary>The server's preprocessor settings for <paramref name="side"/>×<paramref name="side"/> images.</summary>
    public static PreprocessorConfig Config(int side) => new()
    {
        DoResize = true,
        Size = PreprocessorSize.Exact(side, side),
        Resample = ResampleFilter.Bilinear,
        DoCenterCrop = false,
        DoRescale = true,
        RescaleFactor = 1.0 / 255,
        DoNormalize = true,
        ImageMean = [Mean, Mean, Mean],
        ImageStd = [Std, Std, Std],
        ImageProcessorType = "ViTImageProcessor",
    };
}
