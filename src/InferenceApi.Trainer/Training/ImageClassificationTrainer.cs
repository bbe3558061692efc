using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>Trains a <see cref="TinyVit"/> on digits with AdamW; every step runs in its own dispose scope.</summary>
public sealed class ImageClassificationTrainer(TinyVit model, double learningRate = 3e-3, int batchSize = 64)
{
    private readonly optim.Optimizer optimizer = optim.AdamW(model.parameters(), learningRate, weight_decay: 0.01);

    /// <summary>One epoch over <paramref name="data"/> in a seeded random order; returns the mean loss.</summary>
    public double TrainEpoch(DigitsDataset data, Random random, int? maxSteps = null)
    {
        model.train();
        var order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order);
        double total = 0;
        var steps = 0;
        for (var start = 0; start < order.Length && (maxSteps is null || steps < maxSteps); start += batchSize)
        {
            var batch = data.Subset(order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray());
            total += Step(batch);
            steps++;
        }

        return total / Math.Max(steps, 1);
    }

    public double Step(DigitsDataset batch)
    {
        using var scope = NewDisposeScope();
        var (pixels, labels) = ToTensors(batch);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.forward(pixels), labels);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public static double Loss(TinyVit model, DigitsDataset data)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (pixels, labels) = ToTensors(data);
        return nn.functional.cross_entropy(model.forward(pixels), labels).item<float>();
    }

    public static double Accuracy(TinyVit model, DigitsDataset data)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (pixels, labels) = ToTensors(data);
        var correct = model.forward(pixels).argmax(1).eq(labels).sum().item<long>();
        return (double)correct / data.Count;
    }

    /// <summary>Pixels as [n, 1, 8, 8] (the model averages channels, so one grey channel is enough) and labels.</summary>
    public static (Tensor Pixels, Tensor Labels) ToTensors(DigitsDataset data) =>
        (tensor(data.Pixels, [data.Count, 1, DigitsDataset.Side, DigitsDataset.Side]),
         tensor(data.Labels.Select(l => (long)l).ToArray(), ScalarType.Int64));
}
