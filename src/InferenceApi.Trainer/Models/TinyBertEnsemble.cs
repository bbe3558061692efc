using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// Tiny BERT classifiers that share one tokenizer and label set, averaged: the output is the log of their mean class
/// probabilities, so the softmax a server applies to it gives exactly that mean. Averaging independently trained
/// members cancels much of each one's seed-to-seed variance, which on small data sets is as large as any
/// architecture change.
/// </summary>
public sealed class TinyBertEnsemble : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The floor under a mean probability before the log, so a member certain of the other label cannot give -inf.</summary>
    public const float MinProbability = 1e-30f;

    public TinyBertEnsemble(IReadOnlyList<TinyBert> members) : base(nameof(TinyBertEnsemble))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members.Count, 2, nameof(members));
        if (members.Any(m => m.Options.Labels != members[0].Options.Labels))
        {
            throw new ArgumentException("ensemble members must have the same number of labels", nameof(members));
        }

        Members = nn.ModuleList([.. members]);
        RegisterComponents();
    }

    public ModuleList<TinyBert> Members { get; }

    public int Labels => Members[0].Options.Labels;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var sum = Members[0].forward(inputIds, attentionMask).softmax(-1);
        for (var i = 1; i < Members.Count; i++)
        {
            sum = sum + Members[i].forward(inputIds, attentionMask).softmax(-1);
        }

        return sum.div(Members.Count).clamp_min(MinProbability).log().MoveToOuterDisposeScope();
    }
}
