using System.Text.Json;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Imaging;

/// <summary>
/// The parts of a Hugging Face <c>preprocessor_config.json</c> that decide the pixel tensor (ViTImageProcessor and
/// the fields other image processors share). Defaults are ViTImageProcessor's. Unknown fields are ignored.
/// </summary>
public sealed record PreprocessorConfig
{
    public bool DoResize { get; init; } = true;

    public PreprocessorSize Size { get; init; } = PreprocessorSize.Exact(224, 224);

    public ResampleFilter Resample { get; init; } = ResampleFilter.Bilinear;

    public bool DoCenterCrop { get; init; }

    public PreprocessorSize? CropSize { get; init; }

    public bool DoRescale { get; init; } = true;

    public double RescaleFactor { get; init; } = 1.0 / 255;

    public bool DoNormalize { get; init; } = true;

    /// <summary>Per channel (R, G, B); transformers' IMAGENET_STANDARD_MEAN by default.</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = [0.5f, 0.5f, 0.5f];

    public IReadOnlyList<float> ImageStd { get; init; } = [0.5f, 0.5f, 0.5f];

    /// <summary>Informational: the decoder always yields RGB, which is what this flag asks for.</summary>
    public bool DoConvertRgb { get; init; } = true;

    public string? ImageProcessorType { get; init; }

    /// <summary>Height of the tensor every image becomes: the crop when cropping, else the resize.</summary>
    public int OutputHeight => FinalSize.Height!.Value;

    public int OutputWidth => FinalSize.Width!.Value;

    private PreprocessorSize FinalSize => DoCenterCrop && CropSize is not null ? CropSize : Size;

    /// <summary>
    /// Reads the file; throws <see cref="ModelFolderException"/> naming the file and the field when a value is
    /// malformed or describes a tensor whose size would vary from image to image.
    /// </summary>
    public static PreprocessorConfig Load(string path)
    {
        var file = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new ModelFolderException($"{file} is missing; an image model needs it for its image size, mean and std.");
        }

        try
        {
            // A stream, not the bytes: the stream overloads skip a UTF-8 byte order mark.
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return Parse(doc.RootElement, file);
        }
        catch (JsonException exception)
        {
            throw new ModelFolderException($"{file} is not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>Parses an already-read config; <paramref name="file"/> is the name errors use.</summary>
    public static PreprocessorConfig Parse(JsonElement root, string file = "preprocessor_config.json")
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFolderException($"{file} must hold a JSON object; it holds {root.ValueKind}");
        }

        var defaults = new PreprocessorConfig();
        var config = new PreprocessorConfig
        {
            DoResize = ReadBool(root, "do_resize", file) ?? defaults.DoResize,
            Size = ReadSize(root, "size", file) ?? defaults.Size,
            Resample = ReadResample(root, file) ?? defaults.Resample,
            DoCenterCrop = ReadBool(root, "do_center_crop", file) ?? defaults.DoCenterCrop,
            CropSize = ReadSize(root, "crop_size", file),
            DoRescale = ReadBool(root, "do_rescale", file) ?? defaults.DoRescale,
            RescaleFactor = ReadNumber(root, "rescale_factor", file) ?? defaults.RescaleFactor,
            DoNormalize = ReadBool(root, "do_normalize", file) ?? defaults.DoNormalize,
            ImageMean = ReadChannels(root, "image_mean", file) ?? defaults.ImageMean,
            ImageStd = ReadChannels(root, "image_std", file) ?? defaults.ImageStd,
            DoConvertRgb = ReadBool(root, "do_convert_rgb", file) ?? defaults.DoConvertRgb,
            ImageProcessorType = root.TryGetProperty("image_processor_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null,
        };

        if (config.DoCenterCrop && config.CropSize is null)
        {
            throw new ModelFolderException($"{file}: do_center_crop is true but crop_size is missing");
        }

        if (config.DoCenterCrop && !config.CropSize!.IsExact)
        {
            throw new ModelFolderException($"{file}: crop_size must give height and width (or one number); it gives {config.CropSize}");
        }

        if (!config.DoCenterCrop && (!config.DoResize || !config.Size.IsExact))
        {
            // The model takes one [3, H, W] shape; without a fixed resize or a crop, each image would give its own.
            throw new ModelFolderException(
                $"{file}: the tensor size would depend on each image ({(config.DoResize ? $"size is {config.Size}" : "do_resize is false")} and do_center_crop is false); set size to {{\"height\", \"width\"}} or enable do_center_crop with crop_size");
        }

        if (config.ImageStd.Any(s => s == 0f))
        {
            throw new ModelFolderException($"{file}: image_std must not contain 0 (pixels are divided by it)");
        }

        return config;
    }

    private static bool? ReadBool(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelFolderException($"{file}: {name} must be true or false; it is {value.GetRawText()}"),
        };
    }

    private static double? ReadNumber(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw new ModelFolderException($"{file}: {name} must be a number; it is {value.GetRawText()}");
    }

    private static ResampleFilter? ReadResample(JsonElement root, string file)
    {
        if (!root.TryGetProperty("resample", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var code) && Enum.IsDefined((ResampleFilter)code)
            ? (ResampleFilter)code
            : throw new ModelFolderException($"{file}: resample must be a PIL filter code (0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming); it is {value.GetRawText()}");
    }

    private static float[]? ReadChannels(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Parsed as double, then narrowed: Python reads JSON into doubles and numpy narrows them to float32, and
        // parsing straight to float can round differently.
        // transformers accepts one number for all channels as well as a list of three.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var single) && float.IsFinite((float)single))
        {
            return [(float)single, (float)single, (float)single];
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 3
            && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && float.IsFinite((float)d)))
        {
            return value.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        }

        throw new ModelFolderException($"{file}: {name} must be a number or a list of 3 numbers (R, G, B); it is {value.GetRawText()}");
    }

    private static PreprocessorSize? ReadSize(JsonElement root, string name, string file)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // ViTImageProcessor reads a bare number as a square (get_size_dict with default_to_square=True).
        if (value.ValueKind == JsonValueKind.Number)
        {
            var side = Positive(value, name, file);
            return PreprocessorSize.Exact(side, side);
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var hasHeight = value.TryGetProperty("height", out var height);
            var hasWidth = value.TryGetProperty("width", out var width);
            var hasShortest = value.TryGetProperty("shortest_edge", out var shortest);
            if (hasHeight && hasWidth && !hasShortest)
            {
                return PreprocessorSize.Exact(Positive(height, $"{name}.height", file), Positive(width, $"{name}.width", file));
            }

            if (hasShortest && !hasHeight && !hasWidth && !value.TryGetProperty("longest_edge", out _))
            {
                return PreprocessorSize.Shortest(Positive(shortest, $"{name}.shortest_edge", file));
            }
        }

        throw new ModelFolderException($"{file}: {name} must be a number, {{\"height\", \"width\"}} or {{\"shortest_edge\"}}; it is {value.GetRawText()}");
    }

    private static int Positive(JsonElement value, string name, string file) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0
            ? number
            : throw new ModelFolderException($"{file}: {name} must be a positive integer; it is {value.GetRawText()}");
}
