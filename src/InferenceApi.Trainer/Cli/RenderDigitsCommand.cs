using System.CommandLine;
using System.Globalization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// <c>render-digits --out DIR</c>: the digits 0-9 rendered from font files (<see cref="DigitRenderer"/>) as an image
/// folder that <c>eval</c> reads through the server's decoder and preprocessor: a test set of typed digits.
/// </summary>
public static class RenderDigitsCommand
{
    public const string DefaultFonts = "/usr/share/fonts";

    public static Command Create(TrainerOutput output)
    {
        var target = new Option<string>("--out") { Description = "Folder to create (one sub-folder per digit); must not exist", Required = true };
        var fonts = new Option<string[]>("--fonts")
        {
            Description = $"Font files or folders (searched recursively); upright, normal-width faces of weight 400-700 with all ten digits are used (default {DefaultFonts})",
            Arity = ArgumentArity.OneOrMore,
            DefaultValueFactory = _ => [DefaultFonts],
        };
        var sizes = new Option<string>("--sizes") { Description = "Square image sides in pixels, comma-separated (8-1024)", DefaultValueFactory = _ => "28,36,48,64" };
        var polarity = new Option<string>("--polarity") { Description = "dark (on light), light (on dark) or both", DefaultValueFactory = _ => "both" };
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "Font file names (without extension) to leave out (default D050000L: URW's Dingbats, whose digit code points draw pictures)",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => ["D050000L"],
        };
        var command = new Command("render-digits", "Render the digits 0-9 from font files into an image folder, a test set for digit classifiers")
        {
            target, fonts, sizes, polarity, exclude,
        };
        command.SetAction(parse =>
        {
            var folder = ModelFolderPublisher.Target(parse.GetValue(target)!);
            var sides = Sides(parse.GetValue(sizes)!, sizes.Name);
            var polarities = Polarities(parse.GetValue(polarity)!, polarity.Name);
            var excluded = parse.GetValue(exclude)!.ToHashSet(StringComparer.Ordinal);
            var faces = DigitRenderer.FindFaces(parse.GetValue(fonts)!).Where(f => !excluded.Contains(Path.GetFileNameWithoutExtension(f))).ToArray();
            if (faces.Length == 0)
            {
                throw new InvalidDataException($"no usable font (upright, normal width, weight 400-700, with the digits 0-9) in {string.Join(", ", parse.GetValue(fonts)!)}");
            }

            var written = 0;
            ModelFolderPublisher.Publish(folder, temporary => written = DigitRenderer.RenderFolder(temporary, faces, sides, polarities));
            output.Info($"rendered {written} images from {faces.Length} faces into {folder}: {string.Join(", ", faces.Select(Path.GetFileNameWithoutExtension))}");
            return 0;
        });
        return command;
    }

    private static int[] Sides(string text, string option)
    {
        var sides = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
        return sides.Length > 0 && sides.All(s => s is >= 8 and <= 1024) ? sides
            : throw new UsageException($"{option} takes sides of 8-1024 pixels, comma-separated; got '{text}'");
    }

    private static InkPolarity[] Polarities(string text, string option) => text switch
    {
        "dark" => [InkPolarity.DarkOnLight],
        "light" => [InkPolarity.LightOnDark],
        "both" => [InkPolarity.DarkOnLight, InkPolarity.LightOnDark],
        _ => throw new UsageException($"{option} must be dark, light or both; got '{text}'"),
    };
}
