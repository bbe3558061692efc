using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// One pre-LayerNorm transformer block, as in Hugging Face's ViTLayer; shared by the tiny ViT and the tiny BERT,
/// which passes an additive attention bias ([batch, 1, 1, seq]: 0 for real tokens, a large negative for padding).
/// </summary>
public sealed class VitEncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly int heads;
    private readonly int headSize;
    private readonly double dropout;

    public VitEncoderBlock(VitOptions options)
        : this(options.HiddenSize, options.Heads, options.IntermediateSize, options.LayerNormEps)
    {
    }

    /// <param name="dropout">
    /// Dropout in training on the attention weights and on both residual branches (attention output, MLP output);
    /// it adds no parameters, so checkpoints load whatever it was.
    /// </param>
    public VitEncoderBlock(int hiddenSize, int heads, int intermediateSize, double layerNormEps, double dropout = 0) : base(nameof(VitEncoderBlock))
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
        var normed = LayerNormBefore.forward(input);
        var q = SplitHeads(Query.forward(normed));
        var k = SplitHeads(Key.forward(normed));
        var v = SplitHeads(Value.forward(normed));
        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(headSize));
        if (attentionBias is not null)
        {
            scores = TensorMath.Add(scores, attentionBias);
        }

        var context = Dropout(scores.softmax(-1)).matmul(v).transpose(1, 2).reshape(input.shape[0], input.shape[1], heads * headSize);
        var attended = TensorMath.Add(input, Dropout(AttentionOutput.forward(context)));
        var mlp = Dropout(Output.forward(nn.functional.gelu(Intermediate.forward(LayerNormAfter.forward(attended)))));
        return TensorMath.Add(attended, mlp).MoveToOuterDisposeScope();
    }

    private Tensor Dropout(Tensor x) => training && dropout > 0 ? nn.functional.dropout(x, dropout, training: true) : x;

    private Tensor SplitHeads(Tensor x) => x.reshape(x.shape[0], x.shape[1], heads, headSize).transpose(1, 2);
}
