using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// A tiny Llama-style decoder: a token embedding (no position table: positions enter as rotary embeddings inside
/// attention), <see cref="LlamaBlock"/>s with RMSNorm, grouped-query attention and SwiGLU, a final RMSNorm, and a
/// language-model head tied to the embedding (as Llama 3.2's small models do). The forward takes the same inputs
/// as optimum's decoder-with-past graph. Works in float32 (training) and, after <c>to(Float16)</c>, in float16 with
/// transformers' float32 islands (norm statistics, rotary angles, softmax), as the fp16 export's reference.
/// </summary>
public sealed class TinyLlama : CausalDecoder
{
    public TinyLlama(LlamaOptions options) : base(nameof(TinyLlama))
    {
        if (options.HiddenSize % options.Heads != 0 || options.HeadSize % 2 != 0)
        {
            throw new ArgumentException($"the hidden size {options.HiddenSize} must split into {options.Heads} heads of an even size", nameof(options));
        }

        if (options.KeyValueHeads < 1 || options.Heads % options.KeyValueHeads != 0)
        {
            throw new ArgumentException($"{options.KeyValueHeads} key/value heads must divide {options.Heads} query heads", nameof(options));
        }

        Options = options;
        TokenEmbeddings = nn.Embedding(options.VocabularySize, options.HiddenSize);
        Blocks = nn.ModuleList(Enumerable.Range(0, options.Layers).Select(_ => new LlamaBlock(options)).ToArray());
        FinalNorm = new RmsNorm(options.HiddenSize, options.RmsNormEps);
        Dropout = nn.Dropout(options.Dropout);
        RegisterComponents();
        Initialize(options);
    }

    public LlamaOptions Options { get; }

    public Embedding TokenEmbeddings { get; }

    public ModuleList<LlamaBlock> Blocks { get; }

    public RmsNorm FinalNorm { get; }

    public Dropout Dropout { get; }

    public override int VocabularySize => Options.VocabularySize;

    public override int MaxPositions => Options.MaxPositions;

    public override int Layers => Options.Layers;

    public override int KeyValueHeads => Options.KeyValueHeads;

    public override int HeadSize => Options.HeadSize;

    /// <summary>Training: logits [batch, seq, vocab] for unpadded blocks starting at position 0.</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var positions = arange(length, ScalarType.Int64, inputIds.device).unsqueeze(0);
        var hidden = Dropout.forward(TokenEmbeddings.forward(inputIds));
        var (cos, sin) = Rotary.Tables(positions, Options.HeadSize, Options.RopeTheta, hidden.dtype);
        var bias = TinyGpt.AttentionBias(null, length, 0, inputIds.device).to_type(hidden.dtype);
        foreach (var block in Blocks)
        {
            hidden = block.Forward(hidden, cos, sin, bias, null).Output;
        }

        return Logits(hidden).MoveToOuterDisposeScope();
    }

    public override (Tensor Logits, (Tensor Key, Tensor Value)[] Present) Step(
        Tensor inputIds, Tensor attentionMask, Tensor positionIds, (Tensor Key, Tensor Value)[]? past)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var pastLength = past is null ? 0 : past[0].Key.shape[2];
        var hidden = TokenEmbeddings.forward(inputIds);
        var (cos, sin) = Rotary.Tables(positionIds, Options.HeadSize, Options.RopeTheta, hidden.dtype);
        var bias = TinyGpt.AttentionBias(attentionMask, length, pastLength, inputIds.device).to_type(hidden.dtype);
        var present = new (Tensor Key, Tensor Value)[Blocks.Count];
        for (var layer = 0; layer < Blocks.Count; layer++)
        {
            var (output, key, value) = Blocks[layer].Forward(hidden, cos, sin, bias, past?[layer]);
            hidden = output;
            present[layer] = (key.MoveToOuterDisposeScope(), value.MoveToOuterDisposeScope());
        }

        return (Logits(hidden).MoveToOuterDisposeScope(), present);
    }

    private Tensor Logits(Tensor hidden) => FinalNorm.forward(hidden).matmul(TokenEmbeddings.weight!.t());

    /// <summary>N(0, 0.02) everywhere (transformers' <c>initializer_range</c>), residual projections scaled by 1/√(2·layers) as for the GPT.</summary>
    private void Initialize(LlamaOptions options)
    {
        using var noGrad = no_grad();
        TokenEmbeddings.weight!.normal_(0, 0.02);
        var residualStd = 0.02 / Math.Sqrt(2.0 * options.Layers);
        foreach (var block in Blocks)
        {
            foreach (var linear in new[] { block.Query, block.Key, block.Value, block.Gate, block.Up })
            {
                linear.weight!.normal_(0, 0.02);
            }

            foreach (var linear in new[] { block.AttentionOutput, block.Down })
            {
                linear.weight!.normal_(0, residualStd);
            }
        }
    }
}
