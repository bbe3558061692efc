using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>Trains a <see cref="TinyBert"/> on labelled sentences with AdamW; every step runs in its own dispose scope.</summary>
public sealed class TextClassificationTrainer(TinyBert model, int padId, double learningRate = 1e-3, int batchSize = 64)
{
    private readonly optim.Optimizer optimizer = optim.AdamW(model.parameters(), learningRate, weight_decay: 0.01);

    /// <summary>One epoch over <paramref name="data"/> in a seeded random order; returns the mean loss.</summary>
    public double TrainEpoch(SentimentDataset data, Random random, int? maxSteps = null)
    {
        model.train();
        var order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order);
        double total = 0;
        var steps = 0;
        for (var start = 0; start < order.Length && (maxSteps is null || steps < maxSteps); start += batchSize)
        {
            total += Step(data.Subset(order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray()));
            steps++;
        }

        return total / Math.Max(steps, 1);
    }

    public double Step(SentimentDataset batch)
    {
        using var scope = NewDisposeScope();
        var (ids, mask, labels) = batch.ToTensors(padId);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.forward(ids, mask), labels);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public static double Loss(TinyBert model, SentimentDataset data, int padId)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ids, mask, labels) = data.ToTensors(padId);
        return nn.functional.cross_entropy(model.forward(ids, mask), labels).item<float>();
    }

    /// <summary>Accuracy, evaluated in batches of 256.</summary>
    public static double Accuracy(TinyBert model, SentimentDataset data, int padId)
    {
        model.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (var start = 0; start < data.Count; start += 256)
        {
            using var scope = NewDisposeScope();
            var batch = data.Subset(Enumerable.Range(start, Math.Min(256, data.Count - start)).ToArray());
            var (ids, mask, labels) = batch.ToTensors(padId);
            correct += model.forward(ids, mask).argmax(1).eq(labels).sum().item<long>();
        }

        return (double)correct / data.Count;
    }
}
