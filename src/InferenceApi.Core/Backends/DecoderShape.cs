namespace InferenceApi.Core.Backends;

/// <summary>
/// What a decoder graph's signature (and, where the graph is silent, its <c>config.json</c>) says about how to feed
/// it: one <see cref="KvTensorShape"/> per past tensor (<c>past_key_values.{i}.key</c> at 2·i, <c>.value</c> at
/// 2·i + 1, each [batch, heads, past, headDim], so grouped-query attention and layers of different widths are just
/// other numbers), the cache's element type (kept as the model stores it), the logits' element type (sampled in
/// float32 either way), and which optional inputs the graph takes.
/// </summary>
public sealed class DecoderShape
{
    public DecoderShape(
        IReadOnlyList<KvTensorShape> kvTensors,
        int vocabularySize,
        TensorElement kvElement = TensorElement.Float32,
        TensorElement logitsElement = TensorElement.Float32,
        bool hasPositionIds = true,
        bool hasUseCacheBranch = false,
        int? maxBatch = null)
    {
        if (kvTensors.Count % 2 != 0)
        {
            throw new ArgumentException("past tensors come in key/value pairs", nameof(kvTensors));
        }

        KvTensors = kvTensors;
        VocabularySize = vocabularySize;
        KvElement = kvElement;
        LogitsElement = logitsElement;
        HasPositionIds = hasPositionIds;
        HasUseCacheBranch = hasUseCacheBranch;
        MaxBatch = maxBatch;
        KvElementSize = ElementSize(kvElement);
    }

    /// <summary>A decoder whose every layer caches <paramref name="heads"/> × <paramref name="headDim"/> keys and values in float32.</summary>
    public static DecoderShape Uniform(int layers, int heads, int headDim, int vocabularySize, bool hasPositionIds = true) =>
        new(Enumerable.Repeat(new KvTensorShape(heads, headDim), layers * 2).ToArray(), vocabularySize, hasPositionIds: hasPositionIds);

    /// <summary>Index 2·layer is the key, 2·layer + 1 the value. Empty for a graph without past inputs.</summary>
    public IReadOnlyList<KvTensorShape> KvTensors { get; }

    public int Layers => KvTensors.Count / 2;

    public int VocabularySize { get; }

    /// <summary><see cref="TensorElement.Float32"/> or <see cref="TensorElement.Float16"/>: the type of every past and present tensor.</summary>
    public TensorElement KvElement { get; }

    /// <summary>Bytes per cached value (4 or 2).</summary>
    public int KvElementSize { get; }

    /// <summary><see cref="TensorElement.Float32"/> or <see cref="TensorElement.Float16"/>; the session hands float32 logits to the sampler either way.</summary>
    public TensorElement LogitsElement { get; }

    public bool HasPast => KvTensors.Count > 0;

    /// <summary>False when the graph derives positions itself (from the mask or a running count).</summary>
    public bool HasPositionIds { get; }

    /// <summary>A merged decoder (optimum's <c>decoder_model_merged.onnx</c>): a bool <c>use_cache_branch</c> picks the with-past branch.</summary>
    public bool HasUseCacheBranch { get; }

    /// <summary>A fixed batch dimension in the graph (rows per step at most), or null when it is dynamic.</summary>
    public int? MaxBatch { get; }

    public static int ElementSize(TensorElement element) => element switch
    {
        TensorElement.Float32 => sizeof(float),
        TensorElement.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(element), element, "a decoder's cache and logits are float32 or float16"),
    };

    /// <summary>One line for logs and <c>/v1/models</c>: "4 layers, KV 2×64 float16, logits float32, position_ids".</summary>
    public override string ToString()
    {
        var widths = KvTensors.Distinct().Select(t => $"{t.Heads}×{t.HeadDim}");
        return $"{Layers} layers, KV {string.Join("/", widths)} {KvElement}, logits {LogitsElement}, vocabulary {VocabularySize}" +
            (HasPositionIds ? ", position_ids" : "") + (HasUseCacheBranch ? ", use_cache_branch" : "") + (MaxBatch is { } b ? $", batch ≤ {b}" : "");
    }
}
