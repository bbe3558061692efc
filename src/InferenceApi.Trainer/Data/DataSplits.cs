namespace InferenceApi.Trainer.Data;

/// <summary>Seeded ways of choosing examples by index, shared by every task's data.</summary>
public static class DataSplits
{
    /// <summary>
    /// Holds out <paramref name="fraction"/> of each label (rounded per label), shuffled with <paramref name="seed"/>;
    /// labels are visited in ascending order so the draw is the same on every machine.
    /// </summary>
    public static (int[] Train, int[] HoldOut) Stratified(IReadOnlyList<int> labels, double fraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var holdOut = new List<int>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            var take = (int)Math.Round(members.Length * fraction);
            holdOut.AddRange(members.Take(take));
            train.AddRange(members.Skip(take));
        }

        return ([.. train], [.. holdOut]);
    }

    /// <summary>A seeded random <paramref name="take"/> of 0..count-1 (all of them, shuffled, when take ≥ count).</summary>
    public static int[] Sample(int count, int take, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order[..Math.Min(take, count)];
    }
}
