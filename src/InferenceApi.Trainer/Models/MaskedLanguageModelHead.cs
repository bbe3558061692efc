using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// BERT's masked-language-model head over a <see cref="TinyBert"/>: dense + GELU + LayerNorm, then scores over the
/// vocabulary through the encoder's own word embedding (tied) plus a bias. Used only for pre-training; the
/// classifier export never includes it.
/// </summary>
public sealed class MaskedLanguageModelHead : nn.Module<Tensor, Tensor>
{
    private readonly TinyBert encoder;

    public MaskedLanguageModelHead(TinyBert encoder) : base(nameof(MaskedLanguageModelHead))
    {
        this.encoder = encoder;
        var o = encoder.Options;
        Transform = nn.Linear(o.HiddenSize, o.HiddenSize);
        LayerNorm = nn.LayerNorm(o.HiddenSize, o.LayerNormEps);
        Bias = nn.Parameter(zeros(o.VocabularySize));
        RegisterComponents();
    }

    public Linear Transform { get; }

    public LayerNorm LayerNorm { get; }

    public Parameter Bias { get; }

    /// <summary>Vocabulary scores [n, vocab] for the hidden states [n, hidden] of the masked positions.</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var transformed = LayerNorm.forward(nn.functional.gelu(Transform.forward(hidden)));
        return (transformed.matmul(encoder.WordEmbeddings.weight!.t()) + Bias).MoveToOuterDisposeScope();
    }
}
