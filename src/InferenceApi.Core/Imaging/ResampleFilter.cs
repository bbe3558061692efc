namespace InferenceApi.Core.Imaging;

/// <summary>Resampling filters by their PIL codes, the numbers <c>preprocessor_config.json</c> stores in <c>resample</c>.</summary>
public enum ResampleFilter
{
    Nearest = 0,
    Lanczos = 1,
    Bilinear = 2,
    Bicubic = 3,
    Box = 4,
    Hamming = 5,
}
