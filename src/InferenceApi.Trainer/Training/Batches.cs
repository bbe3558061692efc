namespace InferenceApi.Trainer.Training;

/// <summary>How an epoch visits the training set: one seeded shuffle, then consecutive slices of the batch size.</summary>
public static class Batches
{
    /// <summary>
    /// The batches of one epoch. The shuffle draws from <paramref name="random"/> exactly as the first trainer did
    /// (one <c>Shuffle</c> of 0..n-1 per epoch), so runs with the same seed reproduce the shipped models.
    /// </summary>
    public static IReadOnlyList<int[]> Shuffled(int count, int batchSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return Slices(order, batchSize);
    }

    /// <summary>0..n-1 in order, in slices of <paramref name="batchSize"/> (for evaluation).</summary>
    public static IReadOnlyList<int[]> InOrder(int count, int batchSize) => Slices(Enumerable.Range(0, count).ToArray(), batchSize);

    public static int PerEpoch(int count, int batchSize) => (count + batchSize - 1) / batchSize;

    private static int[][] Slices(int[] order, int batchSize)
    {
        var batches = new int[PerEpoch(order.Length, batchSize)][];
        for (var i = 0; i < batches.Length; i++)
        {
            var start = i * batchSize;
            batches[i] = order[start..Math.Min(start + batchSize, order.Length)];
        }

        return batches;
    }
}
