using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Trains a <see cref="CausalDecoder"/> (GPT or Llama) on batches of token windows: next-token cross-entropy, AdamW (β2 0.95) with
/// linear warm-up over the first 5% of the planned steps then cosine decay to a tenth, and gradient clipping at 1
/// (small GPTs spike without it).
/// </summary>
public sealed class TextGenerationTrainer : IStepTrainer<TokenWindows>
{
    private readonly CausalDecoder model;
    private readonly optim.Optimizer optimizer;
    private readonly double learningRate;
    private readonly int totalSteps;
    private readonly int warmupSteps;

    public TextGenerationTrainer(CausalDecoder model, int totalSteps, double learningRate = 1e-3, double weightDecay = 0.1)
    {
        this.model = model;
        this.totalSteps = Math.Max(totalSteps, 1);
        this.learningRate = learningRate;
        warmupSteps = Math.Clamp(this.totalSteps / 20, 1, 200);
        optimizer = optim.AdamW(model.parameters(), learningRate, beta1: 0.9, beta2: 0.95, weight_decay: weightDecay);
    }

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

    public double Step(TokenWindows batch)
    {
        model.train();
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = LearningRate(StepsTaken);
        }

        StepsTaken++;
        return CollectionPause.Run(() =>
        {
            optimizer.zero_grad();
            var loss = Loss(model, batch, nn.Reduction.Mean);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            return loss.item<float>();
        });
    }

    /// <summary>
    /// Mean next-token negative log-likelihood over every predicted token of <paramref name="data"/>, in batches of
    /// 16 windows; perplexity is its exponential.
    /// </summary>
    public static double MeanLoss(CausalDecoder model, TokenWindows data)
    {
        model.eval();
        using var noGrad = no_grad();
        double total = 0;
        const int perBatch = 16;
        for (var first = 0; first < data.Count; first += perBatch)
        {
            using var scope = NewDisposeScope();
            var batch = data.Subset([.. Enumerable.Range(first, Math.Min(perBatch, data.Count - first))]);
            total += Loss(model, batch, nn.Reduction.Sum).item<float>();
        }

        return total / (data.Count * (double)(data.Length - 1));
    }

    private static Tensor Loss(CausalDecoder model, TokenWindows batch, nn.Reduction reduction)
    {
        var tokens = tensor(batch.ToBatch(), [batch.Count, batch.Length]);
        var logits = model.forward(tokens.narrow(1, 0, batch.Length - 1));
        return nn.functional.cross_entropy(logits.reshape(-1, model.VocabularySize), tokens.narrow(1, 1, batch.Length - 1).reshape(-1), reduction: reduction);
    }
}
