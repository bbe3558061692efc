using System.Globalization;
using InferenceApi.Core.Tokenization;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// Labelled sentences (SST-2 layout: <c>text&lt;TAB&gt;label</c>, an optional <c>text	label</c> header, labels 0/1),
/// tokenized with the server's own <see cref="BertWordPieceTokenizer"/> so training and serving see the same ids.
/// </summary>
public sealed class SentimentDataset
{
    public static readonly string[] LabelNames = ["negative", "positive"];

    private SentimentDataset(int[][] ids, int[] labels)
    {
        Ids = ids;
        Labels = labels;
    }

    /// <summary>Token ids per example, [CLS] … [SEP], truncated to the maximum length.</summary>
    public int[][] Ids { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    public static SentimentDataset Load(string path, BertWordPieceTokenizer tokenizer, int maxLength)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"data file not found: {path}", path);
        }

        var ids = new List<int[]>();
        var labels = new List<int>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("text\t", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var tab = line.LastIndexOf('\t');
            if (tab < 0)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected 'text<TAB>label'");
            }

            var labelText = line[(tab + 1)..].Trim();
            if (!int.TryParse(labelText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label < 0 || label >= LabelNames.Length)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: label must be 0 or 1, got '{labelText}'");
            }

            ids.Add(tokenizer.Encode(line[..tab], maxLength, truncate: true).Ids);
            labels.Add(label);
        }

        if (labels.Count == 0)
        {
            throw new InvalidDataException($"{path}: no examples");
        }

        return new SentimentDataset([.. ids], [.. labels]);
    }

    public static SentimentDataset FromIds(int[][] ids, int[] labels) => new(ids, labels);

    /// <summary>A seeded random subset of <paramref name="count"/> examples (for quick runs).</summary>
    public SentimentDataset Sample(int count, Random random)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        random.Shuffle(order);
        return Subset(order[..count]);
    }

    public SentimentDataset Subset(int[] indices) => new([.. indices.Select(i => Ids[i])], [.. indices.Select(i => Labels[i])]);

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
