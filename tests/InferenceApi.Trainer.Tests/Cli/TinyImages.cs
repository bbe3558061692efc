using SkiaSharp;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>
/// A folder of class sub-folders of small images: "dark" ones are mostly black, "light" ones mostly white, with
/// seeded noise, as PNG and JPEG, so a tiny ViT learns them in a few epochs.
/// </summary>
internal static class TinyImages
{
    public static string WriteFolder(string parent, int perClass, int side = 12, int seed = 1)
    {
        var root = Path.Combine(parent, "images");
        var random = new Random(seed);
        foreach (var (label, light) in new[] { ("dark", false), ("light", true) })
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, label)).FullName;
            for (var i = 0; i < perClass; i++)
            {
                var jpeg = i % 4 == 3;
                File.WriteAllBytes(Path.Combine(folder, $"{i}.{(jpeg ? "jpg" : "png")}"), Encode(side, light, random, jpeg));
            }
        }

        File.WriteAllText(Path.Combine(root, "light", "notes.txt"), "not an image: skipped");
        return root;
    }

    public static byte[] Encode(int side, bool light, Random random, bool jpeg = false)
    {
        using var bitmap = new SKBitmap(side, side);
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var grey = (byte)Math.Clamp((light ? 200 : 40) + random.Next(-40, 41), 0, 255);
                bitmap.SetPixel(x, y, new SKColor(grey, grey, grey));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 95);
        return data.ToArray();
    }
}
