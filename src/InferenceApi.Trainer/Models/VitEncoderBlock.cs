using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>One pre-LayerNorm transformer block, as in Hugging Face's ViTLayer.</summary>
public sealed class VitEncoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly int heads;
    private readonly int headSize;

    public VitEncoderBlock(VitOptions options) : base(nameof(VitEncoderBlock))
    {
        heads = options.Heads;
        headSize = options.HeadSize;
        LayerNormBefore = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Query = nn.Linear(options.HiddenSize, options.HiddenSize);
        Key = nn.Linear(options.HiddenSize, options.HiddenSize);
        Value = nn.Linear(options.HiddenSize, options.HiddenSize);
        AttentionOutput = nn.Linear(options.HiddenSize, options.HiddenSize);
        LayerNormAfter = nn.LayerNorm(options.HiddenSize, options.LayerNormEps);
        Intermediate = nn.Linear(options.HiddenSize, options.IntermediateSize);
        Output = nn.Linear(options.IntermediateSize, options.HiddenSize);
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

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var normed = LayerNormBefore.forward(input);
        var q = SplitHeads(Query.forward(normed));
        var k = SplitHeads(Key.forward(normed));
        var v = SplitHeads(Value.forward(normed));
        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(headSize));
        var context = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(input.shape[0], input.shape[1], heads * headSize);
        var attended = input + AttentionOutput.forward(context);
        var mlp = Output.forward(nn.functional.gelu(Intermediate.forward(LayerNormAfter.forward(attended))));
        return (attended + mlp).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor x) => x.reshape(x.shape[0], x.shape[1], heads, headSize).transpose(1, 2);
}
