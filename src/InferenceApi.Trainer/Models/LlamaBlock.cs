using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// One Llama decoder layer: RMSNorm, attention with rotary positions and grouped-query heads (the cache keeps only
/// the <see cref="LlamaOptions.KeyValueHeads"/> key/value heads; each serves a group of query heads), a residual,
/// RMSNorm, a SwiGLU MLP (down(silu(gate(x)) · up(x))), a residual. No biases anywhere, as in Llama.
/// </summary>
public sealed class LlamaBlock : nn.Module<Tensor, Tensor>
{
    private readonly LlamaOptions options;

    public LlamaBlock(LlamaOptions options) : base(nameof(LlamaBlock))
    {
        this.options = options;
        var kvWidth = options.KeyValueHeads * options.HeadSize;
        InputNorm = new RmsNorm(options.HiddenSize, options.RmsNormEps);
        Query = nn.Linear(options.HiddenSize, options.HiddenSize, hasBias: false);
        Key = nn.Linear(options.HiddenSize, kvWidth, hasBias: false);
        Value = nn.Linear(options.HiddenSize, kvWidth, hasBias: false);
        AttentionOutput = nn.Linear(options.HiddenSize, options.HiddenSize, hasBias: false);
        PostAttentionNorm = new RmsNorm(options.HiddenSize, options.RmsNormEps);
        Gate = nn.Linear(options.HiddenSize, options.IntermediateSize, hasBias: false);
        Up = nn.Linear(options.HiddenSize, options.IntermediateSize, hasBias: false);
        Down = nn.Linear(options.IntermediateSize, options.HiddenSize, hasBias: false);
        Dropout = nn.Dropout(options.Dropout);
        RegisterComponents();
    }

    public RmsNorm InputNorm { get; }

    public Linear Query { get; }

    public Linear Key { get; }

    public Linear Value { get; }

    public Linear AttentionOutput { get; }

    public RmsNorm PostAttentionNorm { get; }

    public Linear Gate { get; }

    public Linear Up { get; }

    public Linear Down { get; }

    public Dropout Dropout { get; }

    public override Tensor forward(Tensor input) => throw new NotSupportedException("call Forward with rotary tables and an attention bias");

    /// <summary>
    /// <paramref name="input"/> [batch, new, hidden]; <paramref name="cos"/>/<paramref name="sin"/> [batch, 1, new, headSize]
    /// in the model's type; <paramref name="bias"/> [batch or 1, 1, new, past + new]; <paramref name="past"/> the cached
    /// keys and values [batch, kvHeads, past, headSize] or null. Returns the output and the extended cache.
    /// </summary>
    public (Tensor Output, Tensor Key, Tensor Value) Forward(Tensor input, Tensor cos, Tensor sin, Tensor bias, (Tensor Key, Tensor Value)? past)
    {
        using var scope = NewDisposeScope();
        var normed = InputNorm.forward(input);
        var q = Rotary.Apply(SplitHeads(Query.forward(normed), options.Heads), cos, sin);
        var k = Rotary.Apply(SplitHeads(Key.forward(normed), options.KeyValueHeads), cos, sin);
        var v = SplitHeads(Value.forward(normed), options.KeyValueHeads);
        if (past is { } cache)
        {
            k = cat([cache.Key, k], 2);
            v = cat([cache.Value, v], 2);
        }

        var group = options.Heads / options.KeyValueHeads;
        // Scalars held alive through the native calls and TensorMath's additions (see TensorMath).
        using var scale = Math.Sqrt(options.HeadSize).ToScalar();
        var scores = TensorMath.Add(q.matmul(RepeatKeyValue(k, group).transpose(-2, -1)).div(scale), bias);

        // transformers takes the softmax in float32 and casts back, which an fp16 export does too.
        var weights = Dropout.forward(scores.softmax(-1, ScalarType.Float32).to_type(q.dtype));
        var context = weights.matmul(RepeatKeyValue(v, group)).transpose(1, 2).reshape(input.shape[0], input.shape[1], options.HiddenSize);
        var attended = TensorMath.Add(input, Dropout.forward(AttentionOutput.forward(context)));
        var inner = PostAttentionNorm.forward(attended);
        var mlp = Down.forward(nn.functional.silu(Gate.forward(inner)).mul(Up.forward(inner)));
        var output = TensorMath.Add(attended, Dropout.forward(mlp));
        return (output.MoveToOuterDisposeScope(), k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>transformers' <c>repeat_kv</c>: key/value head h serves query heads h·group … h·group + group − 1.</summary>
    private static Tensor RepeatKeyValue(Tensor x, int group) =>
        group == 1 ? x : x.unsqueeze(2).expand(x.shape[0], x.shape[1], group, x.shape[2], x.shape[3]).reshape(x.shape[0], x.shape[1] * group, x.shape[2], x.shape[3]);

    private Tensor SplitHeads(Tensor x, int heads) => x.reshape(x.shape[0], x.shape[1], heads, options.HeadSize).transpose(1, 2);
}
