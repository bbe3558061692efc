namespace InferenceApi.Core.Backends;

/// <summary>
/// The tensor names of Hugging Face <c>optimum</c>'s ONNX exports: what the server feeds and reads, what the
/// trainer's exporters write, and what the tests build. The one place these names are spelled; a new layout
/// (another decoder's cache, a raw tensor task) adds its names here.
/// </summary>
/// <remarks>
/// Text models take <see cref="InputIds"/>, <see cref="AttentionMask"/> and optionally <see cref="TokenTypeIds"/>
/// (int64 [batch, sequence]); decoders also <see cref="PositionIds"/> and, per layer, the past key and value
/// [batch, heads, past, headDim], and return <see cref="Logits"/> [batch, sequence, vocab] with the present key and
/// value. Encoders return <see cref="Logits"/> [batch, labels] or <see cref="LastHiddenState"/>
/// [batch, sequence, hidden]; image models take <see cref="PixelValues"/> float32 [batch, 3, H, W].
/// </remarks>
public static class OptimumLayout
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string PositionIds = "position_ids";

    /// <summary>A legacy merged decoder's bool [1] switch between its first-step and cached-step branches.</summary>
    public const string UseCacheBranch = "use_cache_branch";
    public const string PixelValues = "pixel_values";
    public const string Logits = "logits";
    public const string LastHiddenState = "last_hidden_state";

    /// <summary>What every past key/value input's name starts with; a graph with one is a decoder with a cache.</summary>
    public const string PastPrefix = "past_key_values.";

    private const string PresentPrefix = "present.";

    public static string PastKey(int layer) => Cache(PastPrefix, layer, "key");

    public static string PastValue(int layer) => Cache(PastPrefix, layer, "value");

    public static string PresentKey(int layer) => Cache(PresentPrefix, layer, "key");

    public static string PresentValue(int layer) => Cache(PresentPrefix, layer, "value");

    /// <summary>The past inputs of <paramref name="layers"/> layers in cache order: index 2·layer is the key, 2·layer + 1 the value.</summary>
    public static string[] PastNames(int layers) => CacheNames(PastPrefix, layers);

    /// <summary>The present outputs in the same order as <see cref="PastNames"/>.</summary>
    public static string[] PresentNames(int layers) => CacheNames(PresentPrefix, layers);

    private static string[] CacheNames(string prefix, int layers)
    {
        var names = new string[2 * layers];
        for (var layer = 0; layer < layers; layer++)
        {
            names[2 * layer] = Cache(prefix, layer, "key");
            names[(2 * layer) + 1] = Cache(prefix, layer, "value");
        }

        return names;
    }

    private static string Cache(string prefix, int layer, string kind) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{layer}.{kind}");
}
