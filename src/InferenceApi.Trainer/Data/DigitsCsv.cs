using System.Globalization;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// The digits CSV (<c>label,p0..p63</c>, grey 0–16, 8×8). Pixels are stored as the model sees them:
/// value/16 (what an 8-bit grey image g = value·255/16 gives after the server's rescale by 1/255), then
/// normalised with mean 0.5 and std 0.5, the same as <c>preprocessor_config.json</c> says.
/// </summary>
public static class DigitsCsv
{
    public const int Side = 8;
    public const int PixelCount = Side * Side;
    public const float MaxGrey = 16f;

    public static readonly string[] LabelNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static ImageDataset Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"data file not found: {path}", path);
        }

        var pixels = new List<float>();
        var labels = new List<int>();
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty");
        var columns = header.Split(',');
        if (columns.Length != PixelCount + 1 || columns[0] != "label")
        {
            throw new InvalidDataException($"{path}:1: expected the digits columns label,p0..p63; got {columns.Length} columns starting '{columns[0]}'");
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

            if (!int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label is < 0 or > 9)
            {
                throw new InvalidDataException($"{path}:{line}: label '{cells[0]}' is not a digit 0-9");
            }

            labels.Add(label);
            for (var i = 1; i < cells.Length; i++)
            {
                if (!float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var grey) || grey is < 0 or > MaxGrey)
                {
                    throw new InvalidDataException($"{path}:{line}: p{i - 1} '{cells[i]}' is not a grey level 0-16");
                }

                pixels.Add(Normalize(grey));
            }
        }

        return labels.Count == 0
            ? throw new InvalidDataException($"{path}: no examples")
            : new ImageDataset([.. pixels], [.. labels], 1, Side, Side);
    }

    /// <summary>value/16, then (x - 0.5)/0.5: the server's rescale and normalisation of the 8-bit image value·255/16.</summary>
    public static float Normalize(float grey) => ((grey / MaxGrey) - ImageNormalization.Mean) / ImageNormalization.Std;
}
