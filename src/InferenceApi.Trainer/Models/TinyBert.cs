using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// A tiny BERT-style sequence classifier: token + position embeddings and a LayerNorm, pre-LN encoder blocks
/// (<see cref="TransformerBlock"/>) whose attention ignores padding through an additive bias
/// (<c>(1 - attention_mask) · -1e4</c>), a final LayerNorm, and a linear head on the [CLS] position (0).
/// Inputs: <c>input_ids</c> and <c>attention_mask</c>, int64 [batch, seq]; output: logits [batch, labels].
/// </summary>
public sealed class TinyBert : nn.Module<Tensor, Tensor, Tensor>
{
    public TinyBert(BertOptions options) : base(nameof(TinyBert))
    {
        Options = options;
        WordEmbeddings = nn.Embedding(options.VocabularySize, options.HiddenSize);
        PositionEmbeddings = nn.Embedding(options.MaxPositions, options.HiddenSize);
        using (no_grad())
        {
            WordEmbeddings.weight!.normal_(0, 0.02);
            PositionEmbeddings.weight!.normal_(0, 0.02);
        }

        if (options.ConvolutionWidth > 0)
        {
            Convolution = nn.Conv1d(options.HiddenSize, options.HiddenSize, options.ConvolutionWidth, padding: options.ConvolutionWidth / 2);
        }

        EmbeddingLayerNorm = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Blocks = nn.ModuleList(Enumerable.Range(0, options.Layers)
            .Select(_ => new TransformerBlock(options.HiddenSize, options.Heads, options.IntermediateSize, options.LayerNormEps, options.BlockDropout)).ToArray());
        FinalLayerNorm = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Dropout = nn.Dropout(options.Dropout);
        Classifier = nn.Linear(options.HiddenSize, options.Labels);
        RegisterComponents();
    }

    public BertOptions Options { get; }

    public Embedding WordEmbeddings { get; }

    public Embedding PositionEmbeddings { get; }

    /// <summary>The n-gram convolution over the embeddings (<see cref="BertOptions.ConvolutionWidth"/>), or null without one.</summary>
    public Conv1d? Convolution { get; }

    public LayerNorm EmbeddingLayerNorm { get; }

    public ModuleList<TransformerBlock> Blocks { get; }

    public LayerNorm FinalLayerNorm { get; }

    public Dropout Dropout { get; }

    public Linear Classifier { get; }

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var hidden = Encode(inputIds, attentionMask);
        var pooled = Options.Pooling == BertPooling.Mean ? MeanOverMask(hidden, attentionMask) : hidden.select(1, 0);
        return Classifier.forward(Dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    private static Tensor MeanOverMask(Tensor hidden, Tensor attentionMask)
    {
        var mask = attentionMask.to_type(ScalarType.Float32);
        return hidden.mul(mask.unsqueeze(2)).sum(1).div(mask.sum(1, keepdim: true));
    }

    /// <summary>The final hidden states [batch, seq, hidden], after the last LayerNorm: what the head and masked-LM pre-training read.</summary>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var batch = inputIds.shape[0];
        var length = inputIds.shape[1];
        var positions = arange(length, ScalarType.Int64, inputIds.device);
        var tokens = WordEmbeddings.forward(inputIds) + PositionEmbeddings.forward(positions);
        tokens = Dropout.forward(EmbeddingLayerNorm.forward(tokens));
        if (Convolution is not null)
        {
            var real = tokens.mul(attentionMask.to_type(ScalarType.Float32).unsqueeze(2));
            tokens = tokens + nn.functional.gelu(Convolution.forward(real.transpose(1, 2)).transpose(1, 2));
        }

        var bias = (1 - attentionMask.to_type(ScalarType.Float32)).mul(BertOptions.MaskBias).reshape(batch, 1, 1, length);
        foreach (var block in Blocks)
        {
            tokens = block.Forward(tokens, bias);
        }

        return FinalLayerNorm.forward(tokens).MoveToOuterDisposeScope();
    }
}
