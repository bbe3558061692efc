using System.CommandLine;
using System.Globalization;
using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// <c>--augment-*</c>: how <c>train image-classification</c> varies each training batch (<see cref="ImageAugmenter"/>).
/// All off by default; each value is checked and a bad one names its option.
/// </summary>
public sealed class ImageAugmentationOptions
{
    private readonly Option<double> invert = new("--augment-invert")
    {
        Description = "Augmentation: probability of swapping ink and background, so dark-on-light and light-on-dark both read (default 0)",
    };

    private readonly Option<double> shift = new("--augment-shift") { Description = "Augmentation: largest shift, as a fraction of the image side (default 0)" };

    private readonly Option<string?> scale = new("--augment-scale")
    {
        Description = "Augmentation: zoom range MIN,MAX (0.6,1.1 draws the image at 60-110 % of its size around the centre; default 1,1)",
    };

    private readonly Option<double> squeeze = new("--augment-squeeze")
    {
        Description = "Augmentation: largest extra narrowing of the width alone, as a fraction (0.3 keeps 70-100 %; default 0)",
    };

    private readonly Option<double> rotate = new("--augment-rotate") { Description = "Augmentation: largest rotation in degrees, either way (default 0)" };

    private readonly Option<double> stroke = new("--augment-stroke")
    {
        Description = "Augmentation: stroke thickness variation in [0, 0.5): strokes are redrawn at 4x resolution, thresholded at 0.5 ± this (default 0)",
    };

    private readonly Option<double> blur = new("--augment-blur") { Description = "Augmentation: largest Gaussian blur sigma, in pixels of the model's input (default 0)" };

    private readonly Option<double> contrast = new("--augment-contrast")
    {
        Description = "Augmentation: lowest ink contrast in (0, 1]; faint ink on a grey page (1: none)",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<double> noise = new("--augment-noise") { Description = "Augmentation: standard deviation of pixel noise, 0-1 scale (default 0)" };

    public IReadOnlyList<Option> All => [invert, shift, scale, squeeze, rotate, stroke, blur, contrast, noise];

    public ImageAugmentation Read(ParseResult parse)
    {
        var (low, high) = Range(parse.GetValue(scale));
        return new ImageAugmentation
        {
            Invert = Check(parse, invert, 0, 1, upperIncluded: true),
            Shift = Check(parse, shift, 0, 0.5, upperIncluded: true),
            ScaleMin = low,
            ScaleMax = high,
            Squeeze = Check(parse, squeeze, 0, 0.9, upperIncluded: true),
            Rotate = Check(parse, rotate, 0, 180, upperIncluded: true),
            Stroke = Check(parse, stroke, 0, 0.5, upperIncluded: false),
            Blur = Check(parse, blur, 0, 4, upperIncluded: true),
            ContrastMin = parse.GetValue(contrast) is var c && c is > 0 and <= 1 ? c
                : throw new UsageException($"{contrast.Name} must be in (0, 1]; got {c.ToString(CultureInfo.InvariantCulture)}"),
            Noise = Check(parse, noise, 0, 1, upperIncluded: true),
        };
    }

    private (double Low, double High) Range(string? text)
    {
        if (text is null)
        {
            return (1, 1);
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        return values is [var low, var high] && low is >= 0.1 and <= 4 && high is >= 0.1 and <= 4 && low <= high ? (low, high)
            : throw new UsageException($"{scale.Name} takes MIN,MAX with 0.1 <= MIN <= MAX <= 4; got '{text}'");
    }

    private static double Check(ParseResult parse, Option<double> option, double low, double high, bool upperIncluded)
    {
        var value = parse.GetValue(option);
        var inRange = value >= low && (upperIncluded ? value <= high : value < high);
        return inRange ? value
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{option.Name} must be in [{low}, {high}{(upperIncluded ? "]" : ")")}; got {value}"));
    }
}
