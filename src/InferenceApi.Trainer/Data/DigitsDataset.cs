using System.Globalization;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// The digits CSV (<c>label,p0..p63</c>, grey 0–16, 8×8). Pixels are stored as the model sees them:
/// value/16 (what an 8-bit grey image g = value·255/16 gives after the server's rescale by 1/255), then
/// normalised with mean 0.5 and std 0.5, the same as <c>preprocessor_config.json</c> says.
/// </summary>
public sealed class DigitsDataset
{
    public const int Side = 8;
    public const int PixelCount = Side * Side;
    public const float MaxGrey = 16f;
    public const float Mean = 0.5f;
    public const float Std = 0.5f;

    private DigitsDataset(float[] pixels, int[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Normalised pixels, <see cref="PixelCount"/> per example.</summary>
    public float[] Pixels { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    public static DigitsDataset Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"data file not found: {path}", path);
        }

        var pixels = new List<float>();
        var labels = new List<int>();
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty");
        var columns = header.Split(',');
        if (columns.Length != PixelCount + 1 || columns[0] != "label")
        {
            throw new InvalidDataException($"{path}: expected columns label,p0..p63, got {columns.Length} columns starting '{columns[0]}'");
        }

        var line = 1;
        while (reader.ReadLine() is { } row)
        {
            line++;
            if (row.Length == 0)
            {
                continue;
            }

            var cells = row.Split(',');
            if (cells.Length != PixelCount + 1)
            {
                throw new InvalidDataException($"{path}:{line}: expected {PixelCount + 1} values, got {cells.Length}");
            }

            var label = int.Parse(cells[0], CultureInfo.InvariantCulture);
            if (label is < 0 or > 9)
            {
                throw new InvalidDataException($"{path}:{line}: label {label} is not a digit 0-9");
            }

            labels.Add(label);
            for (var i = 1; i < cells.Length; i++)
            {
                pixels.Add(Normalize(float.Parse(cells[i], CultureInfo.InvariantCulture)));
            }
        }

        return new DigitsDataset([.. pixels], [.. labels]);
    }

    public static float Normalize(float grey) => ((grey / MaxGrey) - Mean) / Std;

    /// <summary>Splits off <paramref name="holdOutFraction"/> of each class (rounded), shuffled with <paramref name="seed"/>.</summary>
    public (DigitsDataset Train, DigitsDataset HoldOut) StratifiedSplit(double holdOutFraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var holdOut = new List<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => Labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            var take = (int)Math.Round(members.Length * holdOutFraction);
            holdOut.AddRange(members.Take(take));
            train.AddRange(members.Skip(take));
        }

        return (Subset(train), Subset(holdOut));
    }

    public DigitsDataset Subset(IReadOnlyList<int> indices)
    {
        var pixels = new float[indices.Count * PixelCount];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, indices[i] * PixelCount, pixels, i * PixelCount, PixelCount);
            labels[i] = Labels[indices[i]];
        }

        return new DigitsDataset(pixels, labels);
    }
}
