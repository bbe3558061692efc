namespace InferenceApi.Trainer.Training;

/// <summary>
/// How much each training batch of images is varied (<see cref="ImageAugmenter"/>): every field at its default
/// leaves the images as they are. Distances are fractions of the image side, so one setting suits any input size.
/// </summary>
public sealed record ImageAugmentation
{
    /// <summary>Probability of swapping ink and background (dark ink on a light page, or light on dark).</summary>
    public double Invert { get; init; }

    /// <summary>Largest shift of the drawing, as a fraction of the side, each axis.</summary>
    public double Shift { get; init; }

    /// <summary>Smallest and largest zoom of the drawing (0.6 draws it at 60 % of its size around the centre).</summary>
    public double ScaleMin { get; init; } = 1;

    public double ScaleMax { get; init; } = 1;

    /// <summary>
    /// Largest narrowing of the drawing's width alone, as a fraction (0.3 keeps 70-100 % of the width): scans normalised
    /// to fill their box are wider than digits as people draw or type them.
    /// </summary>
    public double Squeeze { get; init; }

    /// <summary>Largest rotation, in degrees either way.</summary>
    public double Rotate { get; init; }

    /// <summary>
    /// Stroke thickness variation, in [0, 0.5): strokes are redrawn at 4× resolution by thresholding the image at a
    /// level drawn from 0.5 ± this, so low levels thicken the pen and high levels thin it.
    /// </summary>
    public double Stroke { get; init; }

    /// <summary>Largest Gaussian blur, as a sigma in pixels of the model's input.</summary>
    public double Blur { get; init; }

    /// <summary>Lowest ink contrast, in (0, 1]: the ink-to-background difference is drawn from [this, 1] and the background level below it.</summary>
    public double ContrastMin { get; init; } = 1;

    /// <summary>Standard deviation of Gaussian pixel noise, in units of the full 0–1 range.</summary>
    public double Noise { get; init; }

    /// <summary>True when any setting changes the images.</summary>
    public bool IsActive =>
        Invert > 0 || Shift > 0 || ScaleMin != 1 || ScaleMax != 1 || Squeeze > 0 || Rotate > 0 || Stroke > 0 || Blur > 0 || ContrastMin < 1 || Noise > 0;

    /// <summary>True when the geometry or strokes change, which needs the 4× resampling round trip.</summary>
    public bool Resamples => Shift > 0 || ScaleMin != 1 || ScaleMax != 1 || Squeeze > 0 || Rotate > 0 || Stroke > 0 || Blur > 0;
}
