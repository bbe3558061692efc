using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// A tiny ViT classifier. Input: <c>pixel_values</c> [batch, channels, H, W], already rescaled and normalised;
/// the channels are averaged first, so a grey image replicated to RGB (what the server feeds) gives the same
/// result as the single grey channel the trainer uses.
/// </summary>
public sealed class TinyVit : nn.Module<Tensor, Tensor>
{
    public TinyVit(VitOptions options) : base(nameof(TinyVit))
    {
        Options = options;
        PatchEmbedding = nn.Linear(options.PatchSize * options.PatchSize, options.HiddenSize);
        ClsToken = nn.Parameter(randn(1, 1, options.HiddenSize) * 0.02);
        PositionEmbeddings = nn.Parameter(randn(1, options.Patches + 1, options.HiddenSize) * 0.02);
        Blocks = nn.ModuleList(Enumerable.Range(0, options.Layers).Select(_ => new TransformerBlock(options.HiddenSize, options.Heads, options.IntermediateSize, options.LayerNormEps)).ToArray());
        FinalLayerNorm = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Classifier = nn.Linear(options.HiddenSize, options.Labels);
        RegisterComponents();
    }

    public VitOptions Options { get; }

    public Linear PatchEmbedding { get; }

    public Parameter ClsToken { get; }

    public Parameter PositionEmbeddings { get; }

    public ModuleList<TransformerBlock> Blocks { get; }

    public LayerNorm FinalLayerNorm { get; }

    public Linear Classifier { get; }

    public override Tensor forward(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var batch = pixelValues.shape[0];
        var side = Options.PatchesPerSide;
        var patch = Options.PatchSize;
        var grey = pixelValues.mean([1L]);
        if (Options.NormalizeInk)
        {
            grey = InkNormalization.Apply(grey);
        }

        if (Options.FitInk)
        {
            grey = InkBox.Apply(grey);
        }

        var patches = grey.reshape(batch, side, patch, side, patch).permute(0, 1, 3, 2, 4).reshape(batch, Options.Patches, patch * patch);
        var tokens = TensorMath.Add(cat([ClsToken.expand(batch, -1, -1), PatchEmbedding.forward(patches)], 1), PositionEmbeddings);
        foreach (var block in Blocks)
        {
            tokens = block.forward(tokens);
        }

        var cls = FinalLayerNorm.forward(tokens).select(1, 0);
        return Classifier.forward(cls).MoveToOuterDisposeScope();
    }
}
