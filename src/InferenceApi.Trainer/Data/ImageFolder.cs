using InferenceApi.Core.Imaging;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// A folder of class sub-folders of images (<c>root/cat/1.png</c>, <c>root/dog/2.jpg</c>), decoded and preprocessed
/// by the server's own <see cref="ImageDecoder"/> and <see cref="ImagePreprocessor"/>, so a trained model sees
/// exactly the tensors it will be served. Class names are the sub-folder names, sorted ordinally.
/// </summary>
public static class ImageFolder
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    /// <summary>The sub-folder names (sorted), or an error when there are fewer than two.</summary>
    public static IReadOnlyList<string> ClassNames(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"image folder not found: {root}");
        }

        var names = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        return names.Length >= 2 ? names
            : throw new InvalidDataException($"{root}: expected one sub-folder of images per class (at least two); found {names.Length}");
    }

    /// <summary>
    /// Every image under the class sub-folders; <paramref name="labels"/> maps folder names to indices (a folder
    /// that is not a label is an error). Files with other extensions are skipped; an image that does not decode
    /// is an error naming the file.
    /// </summary>
    public static ImageDataset Load(string root, LabelSet labels, int side) => Load(root, labels, ImageNormalization.Config(side));

    /// <summary>As <see cref="Load(string, LabelSet, int)"/>, preprocessed as <paramref name="config"/> says (a served model's <c>preprocessor_config.json</c>).</summary>
    public static ImageDataset Load(string root, LabelSet labels, PreprocessorConfig config)
    {
        var preprocessor = new ImagePreprocessor(config);
        var pixels = new List<float>();
        var indices = new List<int>();
        var buffer = new float[preprocessor.OutputLength];
        foreach (var name in ClassNames(root))
        {
            var folder = Path.Combine(root, name);
            var label = labels.IndexOf(name, folder);
            foreach (var file in Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal))
            {
                var decoded = ImageDecoder.Decode(File.ReadAllBytes(file), ImageLimits.Default);
                if (!decoded.IsSuccess)
                {
                    throw new InvalidDataException($"{file}: {decoded.Error.Message}");
                }

                using (var image = decoded.Value)
                {
                    preprocessor.Process(image, buffer);
                }

                pixels.AddRange(buffer);
                indices.Add(label);
            }
        }

        return indices.Count == 0
            ? throw new InvalidDataException($"{root}: no images ({string.Join(", ", Extensions)}) in its class sub-folders")
            : new ImageDataset([.. pixels], [.. indices], 3, preprocessor.OutputHeight, preprocessor.OutputWidth);
    }

    private static bool IsImage(string file) =>
        !Path.GetFileName(file).StartsWith('.') && Extensions.Contains(Path.GetExtension(file).ToLowerInvariant());
}
