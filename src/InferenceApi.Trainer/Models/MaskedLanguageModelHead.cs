using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// BERT's masked-language-model head over a <see cref="TinyBert"/>: dense + GELU + LayerNorm, then scores over the
/// vocabulary through the encoder's own word embedding (tied) plus a bias. Used only for pre-training; the
/// classifier export never includes it.
/// </summary>
public sealed class MaskedLanguageModelHead : nn.Module<Tensor, Tensor, Tensor>
{
    /// <param name="o">The encoder's sizes. The encoder itself is not held: a module field would register it as a child, and disposing the head would dispose it.</param>
    public MaskedLanguageModelHead(BertOptions o) : base(nameof(MaskedLanguageModelHead))
    {
        Transform = nn.Linear(o.HiddenSize, o.HiddenSize);
        LayerNorm = nn.LayerNorm(o.HiddenSize, o.LayerNormEps);
        Bias = nn.Parameter(zeros(o.VocabularySize));
        RegisterComponents();
    }

    public Linear Transform { get; }

    public LayerNorm LayerNorm { get; }

    public Parameter Bias { get; }

    /// <summary>Vocabulary scores [n, vocab] for the hidden states [n, hidden] of the masked positions, through the encoder's word embedding [vocab, hidden].</summary>
    public override Tensor forward(Tensor hidden, Tensor wordEmbeddings)
    {
        using var scope = NewDisposeScope();
        var transformed = LayerNorm.forward(nn.functional.gelu(Transform.forward(hidden)));
        return (transformed.matmul(wordEmbeddings.t()) + Bias).MoveToOuterDisposeScope();
    }
}
