using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// Labelled texts as token ids, tokenized with the server's own <see cref="BertWordPieceTokenizer"/> so training
/// and serving see the same ids; labels are indices into the classifier's <see cref="LabelSet"/>.
/// </summary>
public sealed class TextClassificationDataset : IExampleSet<TextClassificationDataset>
{
    private TextClassificationDataset(int[][] ids, int[] labels)
    {
        Ids = ids;
        Labels = labels;
    }

    /// <summary>Token ids per example, [CLS] … [SEP], truncated to the maximum length.</summary>
    public int[][] Ids { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>Tokenizes <paramref name="rows"/> read from <paramref name="path"/>; an unknown label names its line.</summary>
    public static TextClassificationDataset Tokenize(IReadOnlyList<LabelledText> rows, LabelSet labels, BertWordPieceTokenizer tokenizer, int maxLength, string path)
    {
        var ids = new int[rows.Count][];
        var indices = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            indices[i] = labels.IndexOf(rows[i].Label, $"{path}:{rows[i].Line}");
            ids[i] = tokenizer.Encode(rows[i].Text, maxLength, truncate: true).Ids;
        }

        return new TextClassificationDataset(ids, indices);
    }

    public static TextClassificationDataset FromIds(int[][] ids, int[] labels) => new(ids, labels);

    public TextClassificationDataset Subset(IReadOnlyList<int> indices) =>
        new([.. indices.Select(i => Ids[i])], [.. indices.Select(i => Labels[i])]);

    /// <summary>Holds out <paramref name="holdOutFraction"/> of every label (see <see cref="DataSplits.Stratified"/>).</summary>
    public (TextClassificationDataset Train, TextClassificationDataset HoldOut) StratifiedSplit(double holdOutFraction, int seed)
    {
        var (train, holdOut) = DataSplits.Stratified(Labels, holdOutFraction, seed);
        return (Subset(train), Subset(holdOut));
    }

    /// <summary>The examples as a right-padded batch: input_ids and attention_mask [n, longest], int64.</summary>
    public static (long[] Ids, long[] Mask, long[] Shape) Pad(IReadOnlyList<int[]> sequences, int padId)
    {
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var mask = new long[ids.Length];
        for (var i = 0; i < sequences.Count; i++)
        {
            for (var j = 0; j < length; j++)
            {
                var real = j < sequences[i].Length;
                ids[(i * length) + j] = real ? sequences[i][j] : padId;
                mask[(i * length) + j] = real ? 1 : 0;
            }
        }

        return (ids, mask, [sequences.Count, length]);
    }

    public (Tensor Ids, Tensor Mask, Tensor Labels) ToTensors(int padId)
    {
        var (ids, mask, shape) = Pad(Ids, padId);
        return (tensor(ids, shape), tensor(mask, shape), tensor(Labels.Select(l => (long)l).ToArray(), ScalarType.Int64));
    }
}
