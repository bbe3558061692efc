using System.Globalization;
using SkiaSharp;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// Renders the digits 0-9 from font files with SkiaSharp into an image folder (<c>DIR/7/DejaVuSans_dark_28.png</c>),
/// the layout <c>train</c> and <c>eval</c> read: a test set of digits as a person types or draws them, not as the
/// training scans were made. Each digit is antialiased, centred on its own ink, in a square canvas, at the size that
/// makes the font's "8" <see cref="HeightFraction"/> of the side (so a "1" stays narrow and a "7" keeps its tail).
/// </summary>
public static class DigitRenderer
{
    /// <summary>MNIST's proportion: a 20-pixel digit in a 28-pixel frame.</summary>
    public const float HeightFraction = 20f / 28;

    public const string Digits = "0123456789";

    private static readonly string[] FontExtensions = [".ttf", ".otf"];

    /// <summary>
    /// The upright faces of normal width and regular to bold weight (400-700) among the font files in
    /// <paramref name="paths"/> (files or folders, searched recursively) that have all ten digits; one file per
    /// family and weight (the first by path), sorted by file name.
    /// </summary>
    public static IReadOnlyList<string> FindFaces(IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(f => FontExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                : File.Exists(p) ? [p] : throw new FileNotFoundException($"font file or folder not found: {p}", p))
            .Order(StringComparer.Ordinal);
        var faces = new Dictionary<(string Family, int Weight), string>();
        foreach (var file in files)
        {
            using var typeface = SKTypeface.FromFile(file);
            if (typeface is null || typeface.FontSlant != SKFontStyleSlant.Upright || typeface.FontWidth != (int)SKFontStyleWidth.Normal
                || typeface.FontWeight is < 400 or > 700 || !typeface.ContainsGlyphs(Digits))
            {
                continue;
            }

            faces.TryAdd((typeface.FamilyName, typeface.FontWeight), file);
        }

        return [.. faces.Values.OrderBy(Path.GetFileName, StringComparer.Ordinal)];
    }

    /// <summary>Writes every digit of every face at every side and polarity into <paramref name="folder"/>; returns the image count.</summary>
    public static int RenderFolder(string folder, IReadOnlyList<string> faces, IReadOnlyList<int> sides, IReadOnlyList<InkPolarity> polarities)
    {
        var count = 0;
        foreach (var face in faces)
        {
            using var typeface = SKTypeface.FromFile(face) ?? throw new InvalidDataException($"{face}: not a font SkiaSharp can read");
            var name = Path.GetFileNameWithoutExtension(face);
            for (var digit = 0; digit < Digits.Length; digit++)
            {
                var classFolder = Directory.CreateDirectory(Path.Combine(folder, Digits[digit].ToString())).FullName;
                foreach (var side in sides)
                {
                    foreach (var polarity in polarities)
                    {
                        var file = string.Create(CultureInfo.InvariantCulture, $"{name}_{Tag(polarity)}_{side}.png");
                        File.WriteAllBytes(Path.Combine(classFolder, file), Render(typeface, Digits[digit], side, polarity));
                        count++;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>One digit as a PNG of <paramref name="side"/>×<paramref name="side"/> pixels.</summary>
    public static byte[] Render(SKTypeface typeface, char digit, int side, InkPolarity polarity)
    {
        using var font = new SKFont(typeface, 100) { Edging = SKFontEdging.Antialias, Subpixel = true, Hinting = SKFontHinting.None };
        font.MeasureText("8", out var reference);
        font.Size = 100 * HeightFraction * side / reference.Height;
        font.MeasureText(digit.ToString(), out var bounds);

        using var surface = SKSurface.Create(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(polarity == InkPolarity.DarkOnLight ? SKColors.White : SKColors.Black);
        using var paint = new SKPaint { Color = polarity == InkPolarity.DarkOnLight ? SKColors.Black : SKColors.White, IsAntialias = true };
        canvas.DrawText(digit.ToString(), (side / 2f) - bounds.MidX, (side / 2f) - bounds.MidY, font, paint);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    public static string Tag(InkPolarity polarity) => polarity == InkPolarity.DarkOnLight ? "dark" : "light";
}
