using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// A tiny GPT-2-style decoder: token + position embeddings, pre-LayerNorm blocks with causal attention over a
/// key/value cache, a final LayerNorm, and a language-model head tied to the token embedding (which halves the
/// parameters of a small model). The forward takes the same inputs as optimum's decoder-with-past graph.
/// </summary>
public sealed class TinyGpt : CausalDecoder
{
    public TinyGpt(GptOptions options) : base(nameof(TinyGpt))
    {
        Options = options;
        TokenEmbeddings = nn.Embedding(options.VocabularySize, options.HiddenSize);
        PositionEmbeddings = nn.Embedding(options.MaxPositions, options.HiddenSize);
        Blocks = nn.ModuleList(Enumerable.Range(0, options.Layers).Select(_ => new TransformerBlock(options.HiddenSize, options.Heads, options.IntermediateSize, options.LayerNormEps, options.Dropout)).ToArray());
        FinalLayerNorm = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Dropout = nn.Dropout(options.Dropout);
        RegisterComponents();
        Initialize(options);
    }

    public GptOptions Options { get; }

    public Embedding TokenEmbeddings { get; }

    public Embedding PositionEmbeddings { get; }

    public ModuleList<TransformerBlock> Blocks { get; }

    public LayerNorm FinalLayerNorm { get; }

    public Dropout Dropout { get; }

    public override int VocabularySize => Options.VocabularySize;

    public override int MaxPositions => Options.MaxPositions;

    public override int Layers => Options.Layers;

    public override int KeyValueHeads => Options.Heads;

    public override int HeadSize => Options.HiddenSize / Options.Heads;

    /// <summary>Training: logits [batch, seq, vocab] for unpadded blocks starting at position 0.</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var positions = arange(length, ScalarType.Int64, inputIds.device).unsqueeze(0);
        var bias = AttentionBias(null, length, 0, inputIds.device);
        var hidden = Dropout.forward(TokenEmbeddings.forward(inputIds) + PositionEmbeddings.forward(positions));
        foreach (var block in Blocks)
        {
            hidden = block.Forward(hidden, bias, null).Output;
        }

        return Logits(hidden).MoveToOuterDisposeScope();
    }

    public override (Tensor Logits, (Tensor Key, Tensor Value)[] Present) Step(Tensor inputIds, Tensor attentionMask, Tensor positionIds, (Tensor Key, Tensor Value)[]? past)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var pastLength = past is null ? 0 : past[0].Key.shape[2];
        var bias = AttentionBias(attentionMask, length, pastLength, inputIds.device);
        var hidden = TokenEmbeddings.forward(inputIds) + PositionEmbeddings.forward(positionIds);
        var present = new (Tensor Key, Tensor Value)[Blocks.Count];
        for (var layer = 0; layer < Blocks.Count; layer++)
        {
            var (output, key, value) = Blocks[layer].Forward(hidden, bias, past?[layer]);
            hidden = output;
            present[layer] = (key.MoveToOuterDisposeScope(), value.MoveToOuterDisposeScope());
        }

        return (Logits(hidden).MoveToOuterDisposeScope(), present);
    }

    /// <summary>
    /// Future keys get <see cref="GptOptions.MaskBias"/>, and so do padded keys; the two add, exactly as the graph
    /// computes it. Shape [batch or 1, 1, new, past + new].
    /// </summary>
    internal static Tensor AttentionBias(Tensor? attentionMask, long length, long pastLength, Device device)
    {
        var total = pastLength + length;
        var rows = arange(length, ScalarType.Int64, device).add(pastLength).unsqueeze(1);
        var columns = arange(total, ScalarType.Int64, device).unsqueeze(0);
        var bias = columns.gt(rows).to_type(ScalarType.Float32).mul(GptOptions.MaskBias).reshape(1, 1, length, total);
        if (attentionMask is not null)
        {
            var padding = (1 - attentionMask.to_type(ScalarType.Float32)).mul(GptOptions.MaskBias);
            bias = bias + padding.reshape(attentionMask.shape[0], 1, 1, total);
        }

        return bias;
    }

    private Tensor Logits(Tensor hidden) => FinalLayerNorm.forward(hidden).matmul(TokenEmbeddings.weight!.t());

    /// <summary>GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/√(2·layers), which keeps deep stacks stable from the first step.</summary>
    private void Initialize(GptOptions options)
    {
        using var noGrad = no_grad();
        TokenEmbeddings.weight!.normal_(0, 0.02);
        PositionEmbeddings.weight!.normal_(0, 0.01);
        var residualStd = 0.02 / Math.Sqrt(2.0 * options.Layers);
        foreach (var block in Blocks)
        {
            foreach (var linear in new[] { block.Query, block.Key, block.Value, block.Intermediate })
            {
                linear.weight!.normal_(0, 0.02);
                linear.bias!.zero_();
            }

            foreach (var linear in new[] { block.AttentionOutput, block.Output })
            {
                linear.weight!.normal_(0, residualStd);
                linear.bias!.zero_();
            }
        }
    }
}
