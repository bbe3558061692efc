using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// One GPT-2 block (pre-LayerNorm attention and MLP) that reads and extends a key/value cache, so the same code
/// trains on whole blocks (no past) and, in the parity check, decodes step by step like the exported graph.
/// </summary>
public sealed class GptBlock : nn.Module<Tensor, Tensor>
{
    private readonly int heads;
    private readonly int headSize;

    public GptBlock(GptOptions options) : base(nameof(GptBlock))
    {
        heads = options.Heads;
        headSize = options.HiddenSize / options.Heads;
        LayerNormBefore = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Query = nn.Linear(options.HiddenSize, options.HiddenSize);
        Key = nn.Linear(options.HiddenSize, options.HiddenSize);
        Value = nn.Linear(options.HiddenSize, options.HiddenSize);
        AttentionOutput = nn.Linear(options.HiddenSize, options.HiddenSize);
        LayerNormAfter = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Intermediate = nn.Linear(options.HiddenSize, options.IntermediateSize);
        Output = nn.Linear(options.IntermediateSize, options.HiddenSize);
        Dropout = nn.Dropout(options.Dropout);
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

    public Dropout Dropout { get; }

    public override Tensor forward(Tensor input) => throw new NotSupportedException("call Forward with an attention bias");

    /// <summary>
    /// <paramref name="input"/> [batch, new, hidden]; <paramref name="bias"/> [batch or 1, 1, new, past + new];
    /// <paramref name="past"/> the cached keys and values [batch, heads, past, headSize] or null. Returns the output
    /// and the extended cache (the graph's <c>present</c>).
    /// </summary>
    public (Tensor Output, Tensor Key, Tensor Value) Forward(Tensor input, Tensor bias, (Tensor Key, Tensor Value)? past)
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

        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(headSize)) + bias;
        var context = Dropout.forward(scores.softmax(-1)).matmul(v).transpose(1, 2).reshape(input.shape[0], input.shape[1], heads * headSize);
        var attended = input + Dropout.forward(AttentionOutput.forward(context));
        var mlp = Output.forward(nn.functional.gelu(Intermediate.forward(LayerNormAfter.forward(attended))));
        var output = attended + Dropout.forward(mlp);
        return (output.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    private Tensor SplitHeads(Tensor x) => x.reshape(x.shape[0], x.shape[1], heads, headSize).transpose(1, 2);
}
