using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tests;

/// <summary>The shared digits CSV, loaded once for all tests.</summary>
internal static class TrainerData
{
    private static readonly Lazy<ImageDataset> LazyDigits = new(() =>
        DigitsCsv.Load(Path.Combine(TestPaths.DataDirectory, "digits", "digits.csv")));

    public static ImageDataset Digits => LazyDigits.Value;
}
