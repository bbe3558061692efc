namespace InferenceApi.Core.Imaging;

/// <summary>
/// A <c>size</c> or <c>crop_size</c> from <c>preprocessor_config.json</c>: either an exact height and width, or a
/// shortest edge that keeps the aspect ratio.
/// </summary>
public sealed record PreprocessorSize
{
    public int? Height { get; init; }

    public int? Width { get; init; }

    public int? ShortestEdge { get; init; }

    public bool IsExact => Height is not null && Width is not null;

    public static PreprocessorSize Exact(int height, int width) => new() { Height = height, Width = width };

    public static PreprocessorSize Shortest(int edge) => new() { ShortestEdge = edge };

    /// <summary>
    /// The size an image of the given dimensions is resized to, as transformers' <c>get_resize_output_image_size</c>
    /// computes it: the long side is scaled with the short one and truncated.
    /// </summary>
    public (int Height, int Width) ResizeTarget(int height, int width)
    {
        if (IsExact)
        {
            return (Height!.Value, Width!.Value);
        }

        var shortest = ShortestEdge ?? throw new InvalidOperationException("A size has either height and width or shortest_edge.");
        var (shortSide, longSide) = width <= height ? (width, height) : (height, width);
        if (shortest == shortSide)
        {
            return (height, width);
        }

        var newLong = (int)(shortest * (double)longSide / shortSide);
        return width <= height ? (newLong, shortest) : (shortest, newLong);
    }

    public override string ToString() => IsExact ? $"{Height}×{Width}" : $"shortest edge {ShortestEdge}";
}
