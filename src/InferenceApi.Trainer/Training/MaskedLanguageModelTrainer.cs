using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>Which token ids masking must leave alone, and what replaces a masked token.</summary>
public sealed record MaskingVocabulary(int MaskId, int PadId, IReadOnlySet<int> SpecialIds, int VocabularySize);

/// <summary>
/// Masked-language-model pre-training of a <see cref="TinyBert"/> on unlabelled sentences, as BERT does it: 15% of
/// the real tokens are chosen, 80% of those become [MASK], 10% a random token, 10% stay, and the model predicts
/// the originals. The loss is computed on the chosen positions only, so the vocabulary-wide softmax stays cheap.
/// </summary>
public sealed class MaskedLanguageModelTrainer : IDisposable
{
    public const double MaskFraction = 0.15;

    private readonly TinyBert model;
    private readonly MaskedLanguageModelHead head;
    private readonly MaskingVocabulary vocabulary;
    private readonly optim.Optimizer optimizer;
    private readonly double learningRate;
    private readonly int totalSteps;

    public MaskedLanguageModelTrainer(TinyBert model, MaskingVocabulary vocabulary, int totalSteps, double learningRate = 1e-3, int batchSize = 128)
    {
        this.model = model;
        this.vocabulary = vocabulary;
        this.totalSteps = Math.Max(totalSteps, 1);
        this.learningRate = learningRate;
        BatchSize = batchSize;
        head = new MaskedLanguageModelHead(model.Options);
        optimizer = optim.AdamW(model.parameters().Concat(head.parameters()), learningRate, weight_decay: 0.01);
    }

    public int BatchSize { get; }

    public int StepsTaken { get; private set; }

    /// <summary>
    /// Chooses and replaces tokens in place; returns the chosen positions' flat indices and original ids. At least
    /// one position is chosen per batch that has a maskable token, so every step has a loss.
    /// </summary>
    public static (List<long> Positions, List<long> Targets) Mask(long[] ids, MaskingVocabulary vocabulary, Random random)
    {
        var positions = new List<long>();
        var targets = new List<long>();
        var maskable = -1;
        for (var i = 0; i < ids.Length; i++)
        {
            if (vocabulary.SpecialIds.Contains((int)ids[i]))
            {
                continue;
            }

            maskable = maskable < 0 ? i : maskable;
            if (random.NextDouble() < MaskFraction)
            {
                Choose(i);
            }
        }

        if (positions.Count == 0 && maskable >= 0)
        {
            Choose(maskable);
        }

        return (positions, targets);

        void Choose(int i)
        {
            positions.Add(i);
            targets.Add(ids[i]);
            var roll = random.NextDouble();
            ids[i] = roll < 0.8 ? vocabulary.MaskId : roll < 0.9 ? random.Next(vocabulary.VocabularySize) : ids[i];
        }
    }

    /// <summary>One optimiser step on a random batch of <paramref name="sentences"/>; returns its loss.</summary>
    public double Step(IReadOnlyList<int[]> sentences, Random random)
    {
        model.train();
        head.train();
        using var scope = NewDisposeScope();
        var batch = Enumerable.Range(0, BatchSize).Select(_ => sentences[random.Next(sentences.Count)]).ToArray();
        var (ids, mask, shape) = TextClassificationDataset.Pad(batch, vocabulary.PadId);
        var (positions, targets) = Mask(ids, vocabulary, random);
        var progress = (StepsTaken + 0.5) / totalSteps;
        foreach (var group in optimizer.ParamGroups)
        {
            // Linear warm-up over the first 5%, then linear decay to zero, as BERT's schedule.
            group.LearningRate = learningRate * Math.Min(progress / 0.05, 1 - progress);
        }

        optimizer.zero_grad();
        var hidden = model.Encode(tensor(ids, shape), tensor(mask, shape)).reshape(-1, model.Options.HiddenSize);
        var chosen = hidden.index_select(0, tensor(positions.ToArray()));
        var loss = nn.functional.cross_entropy(head.forward(chosen, model.WordEmbeddings.weight!), tensor(targets.ToArray()));
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters().Concat(head.parameters()), 1.0);
        optimizer.step();
        StepsTaken++;
        return loss.item<float>();
    }

    public void Dispose() => head.Dispose();
}
