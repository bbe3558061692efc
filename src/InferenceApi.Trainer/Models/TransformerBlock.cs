using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// The one transformer block of the trainer's models: pre-LayerNorm attention and MLP, as in Hugging Face's ViTLayer
/// and GPT-2's block. The tiny ViT runs it plain, the tiny BERT with an additive attention bias ([batch, 1, 1, seq]:
/// 0 for real tokens, a large negative for padding), and the tiny GPT with a causal bias and a key/value cache, so the
/// same code trains on whole blocks and, in the parity check, decodes step by step like the exported graph.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly int heads;
    private readonly int headSize;
    private readonly double dropout;

    /// <param name="dropout">
    /// Dropout in training on the attention weights and on both residual branches (attention output, MLP output);
    /// it adds no parameters, so checkpoints load whatever it was.
    /// </param>
    public TransformerBlock(int hiddenSize, int heads, int intermediateSize, double layerNormEps, double dropout = 0) : base(nameof(TransformerBlock))
    {
        this.heads = heads;
        this.dropout = dropout;
        headSize = hiddenSize / heads;
        LayerNormBefore = nn.LayerNorm(hiddenSize, layerNormEps);
        Query = nn.Linear(hiddenSize, hiddenSize);
        Key = nn.Linear(hiddenSize, hiddenSize);
        Value = nn.Linear(hiddenSize, hiddenSize);
        AttentionOutput = nn.Linear(hiddenSize, hiddenSize);
        LayerNormAfter = nn.LayerNorm(hiddenSize, layerNormEps);
        Intermediate = nn.Linear(hiddenSize, intermediateSize);
        Output = nn.Linear(intermediateSize, hiddenSize);
        RegisterComponents();
    }

    public LayerNorm LayerNormBefore { get; }

    public Linear Query { get; }

    public Linear Key { get; }

    public Linear Value { get; }

    public Linear AttentionOutput { get; }

    public LayerNorm LayerNormAfter { get; }

    public Linear Intermediate { get; }

    public Linear Output { get; }

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>The block with an optional additive attention bias, broadcast over heads and queries.</summary>
    public Tensor Forward(Tensor input, Tensor? attentionBias)
    {
        using var scope = NewDisposeScope();
        return Forward(input, attentionBias, null).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="input"/> [batch, new, hidden]; <paramref name="attentionBias"/> [batch or 1, 1, new or 1, past + new];
    /// <paramref name="past"/> the cached keys and values [batch, heads, past, headSize] or null. Returns the output and
    /// the keys and values including the new positions (the graph's <c>present</c>).
    /// </summary>
    public (Tensor Output, Tensor Key, Tensor Value) Forward(Tensor input, Tensor? attentionBias, (Tensor Key, Tensor Value)? past)
    {
        using var scope = NewDisposeScope();
        var normed = LayerNormBefore.forward(input);
        var q = SplitHeads(Query.forward(normed));
        var k = SplitHeads(Key.forward(normed));
        var v = SplitHeads(Value.forward(normed));
        if (past is { } cache)
        {
            k = cat([cache.Key, k], 2);
            v = cat([cache.Value, v], 2);
        }

        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(headSize));
        if (attentionBias is not null)
        {
            scores = TensorMath.Add(scores, attentionBias);
        }

        var context = Dropout(scores.softmax(-1)).matmul(v).transpose(1, 2).reshape(input.shape[0], input.shape[1], heads * headSize);
        var attended = TensorMath.Add(input, Dropout(AttentionOutput.forward(context)));
        var mlp = Dropout(Output.forward(nn.functional.gelu(Intermediate.forward(LayerNormAfter.forward(attended)))));
        return (TensorMath.Add(attended, mlp).MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    private Tensor Dropout(Tensor x) => training && dropout > 0 ? nn.functional.dropout(x, dropout, training: true) : x;

    private Tensor SplitHeads(Tensor x) => x.reshape(x.shape[0], x.shape[1], heads, headSize).transpose(1, 2);
}
