using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Trains a <see cref="TinyGpt"/> on a token stream: random windows of context + 1 tokens, next-token cross-entropy,
/// AdamW with linear warm-up then cosine decay to a tenth, and gradient clipping at 1 (small GPTs spike without it).
/// </summary>
public sealed class TextGenerationTrainer
{
    private readonly TinyGpt model;
    private readonly optim.Optimizer optimizer;
    private readonly double learningRate;
    private readonly int totalSteps;
    private readonly int warmupSteps;

    public TextGenerationTrainer(TinyGpt model, int totalSteps, double learningRate = 1e-3, int batchSize = 16, double weightDecay = 0.1)
    {
        this.model = model;
        this.totalSteps = Math.Max(totalSteps, 1);
        this.learningRate = learningRate;
        BatchSize = batchSize;
        warmupSteps = Math.Clamp(this.totalSteps / 20, 1, 200);
        optimizer = optim.AdamW(model.parameters(), learningRate, beta1: 0.9, beta2: 0.95, weight_decay: weightDecay);
    }

    public int BatchSize { get; }

    public int StepsTaken { get; private set; }

    /// <summary>The learning rate at <paramref name="step"/> (0-based): warm-up, then cosine to 10%.</summary>
    public double LearningRate(int step)
    {
        if (step < warmupSteps)
        {
            return learningRate * (step + 1) / warmupSteps;
        }

        var progress = Math.Min(1.0, (double)(step - warmupSteps) / Math.Max(totalSteps - warmupSteps, 1));
        return learningRate * (0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }

    /// <summary>One optimiser step on a batch of random windows; returns its loss.</summary>
    public double Step(TextCorpus corpus, Random random)
    {
        model.train();
        using var scope = NewDisposeScope();
        var window = model.Options.MaxPositions + 1;
        var batch = new long[BatchSize * window];
        for (var b = 0; b < BatchSize; b++)
        {
            var start = random.Next(0, corpus.Count - window + 1);
            for (var i = 0; i < window; i++)
            {
                batch[(b * window) + i] = corpus.Tokens[start + i];
            }
        }

        var tokens = tensor(batch, [BatchSize, window]);
        var inputs = tokens.narrow(1, 0, window - 1);
        var targets = tokens.narrow(1, 1, window - 1);
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = LearningRate(StepsTaken);
        }

        optimizer.zero_grad();
        var logits = model.forward(inputs);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Options.VocabularySize), targets.reshape(-1));
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
        optimizer.step();
        StepsTaken++;
        return loss.item<float>();
    }

    /// <summary>
    /// Mean next-token negative log-likelihood over <paramref name="corpus"/> in non-overlapping windows of the
    /// context length (each window predicts all but its first token); perplexity is its exponential.
    /// </summary>
    public static double MeanLoss(TinyGpt model, TextCorpus corpus, int? maxWindows = null)
    {
        model.eval();
        using var noGrad = no_grad();
        var window = model.Options.MaxPositions;
        var windows = corpus.Count / window;
        if (maxWindows is { } cap)
        {
            windows = Math.Min(windows, cap);
        }

        if (windows == 0)
        {
            throw new InvalidDataException($"the evaluation text has {corpus.Count} tokens, fewer than one {window}-token window");
        }

        double total = 0;
        long count = 0;
        const int perBatch = 16;
        for (var first = 0; first < windows; first += perBatch)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(perBatch, windows - first);
            var tokens = tensor(corpus.Tokens.AsSpan(first * window, n * window).ToArray().Select(t => (long)t).ToArray(), [n, window]);
            var logits = model.forward(tokens.narrow(1, 0, window - 1));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Options.VocabularySize), tokens.narrow(1, 1, window - 1).reshape(-1), reduction: nn.Reduction.Sum);
            total += loss.item<float>();
            count += n * (window - 1);
        }

        return total / count;
    }
}
