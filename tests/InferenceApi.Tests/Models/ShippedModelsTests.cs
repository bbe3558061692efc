using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using InferenceApi.Tests.Infrastructure;
using InferenceApi.Trainer.Data;
using SkiaSharp;

namespace InferenceApi.Tests.Models;

/// <summary>The models the repository ships in models/ load, warm up, and answer correctly through the whole server.</summary>
public sealed class ShippedModelsTests(ShippedModelsServer server) : IClassFixture<ShippedModelsServer>
{
    /// <summary>models/README.md's figure for the DejaVu subset of the typed digits (digits-vit version 3).</summary>
    private const double DigitsVitDejaVuPercent = 89.79;

    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task DigitsVit_IsReadyAndReadsDigitsRenderedFromTheDataset()
    {
        var rows = File.ReadLines(Path.Combine(TestPaths.DataDirectory, "digits", "digits.csv")).Skip(1).Take(20).Select(l => l.Split(',').Select(int.Parse).ToArray()).ToList();
        var correct = 0;
        foreach (var row in rows)
        {
            using var content = new MultipartFormDataContent { { new StringContent("digits-vit"), "model" } };
            var file = new ByteArrayContent(GreyPng(row[1..].Select(v => (byte)Math.Round(v * 255 / 16.0)).ToArray()));
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            content.Add(file, "images", "digit.png");

            using var response = await _client.PostAsync("/v1/images/classify", content);

            var best = (await response.ReadJsonAsync()).GetProperty("results")[0].GetProperty("labels")[0].GetProperty("label").GetString();
            correct += best == row[0].ToString(System.Globalization.CultureInfo.InvariantCulture) ? 1 : 0;
        }

        // 97 % held-out accuracy when trained; these rows include training rows, so nearly all must be right.
        Assert.True(correct >= 18, $"{correct} of 20 digits read correctly");
    }

    /// <summary>
    /// The six faces of Debian's fonts-dejavu-core (scripts/test.sh installs it), each digit at 28, 36, 48 and 64 pixels,
    /// dark on light and light on dark: 480 images rendered as models/README.md's typed-digit set is, sent as PNG uploads.
    /// </summary>
    [Fact]
    public async Task DigitsVit_ReadsDigitsTypedInTheDejaVuFontsInBothPolarities()
    {
        string[] faces = ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSansMono", "DejaVuSansMono-Bold"];
        var images = new List<(byte[] Png, char Digit)>();
        foreach (var face in faces)
        {
            using var typeface = SKTypeface.FromFile($"/usr/share/fonts/truetype/dejavu/{face}.ttf");
            Assert.True(typeface is not null, $"{face}.ttf is missing: scripts/test.sh installs fonts-dejavu-core");
            images.AddRange(from digit in DigitRenderer.Digits
                            from side in new[] { 28, 36, 48, 64 }
                            from polarity in new[] { InkPolarity.DarkOnLight, InkPolarity.LightOnDark }
                            select (DigitRenderer.Render(typeface, digit, side, polarity), digit));
        }

        var correct = 0;
        foreach (var chunk in images.Chunk(32))
        {
            using var content = new MultipartFormDataContent { { new StringContent("digits-vit"), "model" } };
            foreach (var (png, _) in chunk)
            {
                var file = new ByteArrayContent(png);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                content.Add(file, "images", "digit.png");
            }

            using var response = await _client.PostAsync("/v1/images/classify", content);

            Assert.Equal("3", response.Headers.GetValues("x-model-version").Single());
            var results = (await response.ReadJsonAsync()).GetProperty("results");
            correct += chunk.Where((image, i) => results[i].GetProperty("labels")[0].GetProperty("label").GetString() == image.Digit.ToString()).Count();
        }

        // models/README.md: DigitsVitDejaVuPercent on exactly these 480 through `trainer eval`, which decodes and
        // preprocesses as the server does; the margin (2 points, ~10 images) covers near-ties that another CPU's
        // ONNX Runtime kernels or a rebuilt font package may flip, while a real regression costs far more.
        Assert.Equal(480, images.Count);
        Assert.True(correct >= (DigitsVitDejaVuPercent - 2) / 100 * images.Count, $"{correct} of {images.Count} typed digits read correctly ({100.0 * correct / images.Count:F1}%)");
    }

    [Fact]
    public async Task Sentiment_ScoresAtLeast82PercentOnTheWholeSst2DevSet()
    {
        var rows = File.ReadLines(Path.Combine(TestPaths.DataDirectory, "sst2", "dev.tsv")).Skip(1).Select(l => l.Split('\t')).ToList();
        var correct = 0;
        foreach (var chunk in rows.Chunk(128))
        {
            using var response = await _client.PostJsonAsync("/v1/classify", new { model = "sentiment", inputs = chunk.Select(r => r[0]).ToArray() });

            // Version 3, the int8 quantization of version 2, is the one served.
            Assert.Equal("3", response.Headers.GetValues("x-model-version").Single());
            var results = (await response.ReadJsonAsync()).GetProperty("results");
            for (var i = 0; i < chunk.Length; i++)
            {
                var best = results[i].GetProperty("labels")[0].GetProperty("label").GetString();
                correct += best == (chunk[i][1].Trim() == "1" ? "positive" : "negative") ? 1 : 0;
            }
        }

        // The target, measured through the server: its tokenizer, batching and ONNX Runtime (models/README.md).
        Assert.Equal(872, rows.Count);
        Assert.True(correct >= 0.82 * rows.Count, $"{correct} of {rows.Count} dev sentences classified correctly ({100.0 * correct / rows.Count:F2}%)");
    }

    [Fact]
    public async Task SentimentEncoder_PlacesTextsThatFeelAlikeCloserThanOpposites()
    {
        using var response = await _client.PostJsonAsync("/v1/embed", new
        {
            model = "sentiment-encoder",
            inputs = new[] { "A gripping, beautifully acted film.", "A wonderful movie with superb acting.", "Dull and far too long." },
        });

        var vectors = (await response.ReadJsonAsync()).GetProperty("embeddings").EnumerateArray()
            .Select(v => v.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToList();
        double Cosine(int a, int b) => vectors[a].Zip(vectors[b], (x, y) => x * y).Sum();

        Assert.All(vectors, v => Assert.Equal(64, v.Length));
        // /v1/embed normalises, so the dot product is the cosine; the sentiment encoder's space is about feeling.
        Assert.True(Cosine(0, 1) > 0.5 && Cosine(0, 2) < 0, $"similar {Cosine(0, 1):F3}, opposite {Cosine(0, 2):F3}");
    }

    [Fact]
    public async Task GptAusten_IsReadyAndContinuesAPromptInAustensWords()
    {
        var austenWords = Directory.GetFiles(Path.Combine(TestPaths.DataDirectory, "austen"), "*.txt")
            .SelectMany(File.ReadLines)
            .SelectMany(line => Regex.Split(line.ToLowerInvariant(), "[^a-z]+"))
            .Where(w => w.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        var request = new { model = "gpt-austen", prompt = "It is a truth universally acknowledged, that", max_new_tokens = 48 };

        using var first = await _client.PostJsonAsync("/v1/generate", request);
        using var second = await _client.PostJsonAsync("/v1/generate", request);

        // The newest version serves: the Llama-style version 2, not the GPT of version 1.
        Assert.Equal("2", first.Headers.GetValues("x-model-version").Single());
        var body = await first.ReadJsonAsync();
        var text = body.GetProperty("generated_text").GetString()!;
        Assert.Equal(text, (await second.ReadJsonAsync()).GetProperty("generated_text").GetString());
        var words = Regex.Split(text.ToLowerInvariant(), "[^a-z]+").Where(w => w.Length > 0).ToList();
        // Greedy continuation of a trained model: real English words from the novels, not byte-pair fragments.
        Assert.True(words.Count >= 8, $"only {words.Count} words: '{text}'");
        Assert.True(words.Count(austenWords.Contains) >= words.Count * 0.9, $"'{text}'");
        Assert.True(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    /// <summary>An 8×8 8-bit greyscale PNG, written by hand so the test does not rely on the decoder's own library.</summary>
    private static byte[] GreyPng(byte[] pixels)
    {
        using var raw = new MemoryStream();
        using (var deflate = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var row = 0; row < 8; row++)
            {
                deflate.WriteByte(0);
                deflate.Write(pixels, row * 8, 8);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", [0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0]);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(BigEndian((uint)data.Length));
        png.Write(typeBytes);
        png.Write(data);
        png.Write(BigEndian(System.IO.Hashing.Crc32.HashToUInt32([.. typeBytes, .. data])));
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
