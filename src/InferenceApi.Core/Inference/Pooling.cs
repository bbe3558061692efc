namespace InferenceApi.Core.Inference;

/// <summary>Turns an encoder's outputs into per-request results. Pure functions over spans.</summary>
public static class Pooling
{
    /// <summary>
    /// Mean of the hidden states over the positions the mask marks as real tokens: padding must not
    /// dilute the average, or the same text would embed differently alone and in a batch.
    /// </summary>
    public static float[] MeanPool(ReadOnlySpan<float> hidden, ReadOnlySpan<long> mask, int sequenceLength, int hiddenSize)
    {
        var result = new float[hiddenSize];
        var count = 0;
        for (var position = 0; position < sequenceLength; position++)
        {
            if (mask[position] == 0)
            {
                continue;
            }

            count++;
            var row = hidden.Slice(position * hiddenSize, hiddenSize);
            for (var h = 0; h < hiddenSize; h++)
            {
                result[h] += row[h];
            }
        }

        if (count > 0)
        {
            var scale = 1f / count;
            for (var h = 0; h < hiddenSize; h++)
            {
                result[h] *= scale;
            }
        }

        return result;
    }

    /// <summary>Scales to unit length (cosine similarity becomes a dot product); a zero vector stays zero.</summary>
    public static float[] L2Normalize(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }

        var result = vector.ToArray();
        if (sum > 0)
        {
            var scale = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < result.Length; i++)
            {
                result[i] *= scale;
            }
        }

        return result;
    }

    /// <summary>Numerically stable softmax (the maximum is subtracted before exponentiating).</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var value in logits)
        {
            max = Math.Max(max, value);
        }

        var result = new float[logits.Length];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var e = Math.Exp(logits[i] - max);
            result[i] = (float)e;
            sum += e;
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (float)(result[i] / sum);
        }

        return result;
    }
}
