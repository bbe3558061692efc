namespace InferenceApi.Core.Scheduling;

/// <summary>
/// The limits one model version's scheduler works within.
/// </summary>
/// <param name="MaxBatchSize">Most requests (sequences) in one batch.</param>
/// <param name="MaxBatchTokens">Most padded tokens in one batch (batch size × longest sequence): bounds memory and step time.</param>
/// <param name="MaxQueueDelay">How long the oldest request may wait for company before its batch runs anyway.</param>
/// <param name="QueueCapacity">Most requests waiting; one more is refused at once.</param>
/// <param name="Instances">How many batches run at once, each on its own session.</param>
/// <param name="MaxQueueTime">
/// The longest wait a request is admitted to: one whose expected wait (queue depth over the measured service rate) is
/// longer, or longer than its deadline allows, is refused at once with 429; one that still waits longer than this (the
/// machine ran slower than measured) leaves with 429 before it runs. Null: only the deadline bounds it.
/// </param>
public sealed record BatchLimits(int MaxBatchSize, int MaxBatchTokens, TimeSpan MaxQueueDelay, int QueueCapacity, int Instances, TimeSpan? MaxQueueTime = null)
{
    /// <summary>A lone request would wait for company until the max queue time sends it away unserved.</summary>
    public bool QueueDelayReachesMaxQueueTime => MaxQueueTime is { } most && MaxQueueDelay >= most;

    /// <summary>Checks the limits against each other and the model's longest input; null when they are consistent.</summary>
    public string? Check(int maxSequenceLength)
    {
        if (MaxBatchSize < 1)
        {
            return $"maxBatchSize must be at least 1. Given: {MaxBatchSize}";
        }

        if (MaxBatchTokens < maxSequenceLength)
        {
            return $"maxBatchTokens ({MaxBatchTokens}) must be at least the model's maximum sequence length ({maxSequenceLength}), or a longest input could never run";
        }

        if (MaxQueueDelay < TimeSpan.Zero)
        {
            return $"maxQueueDelayMs must not be negative. Given: {MaxQueueDelay.TotalMilliseconds}";
        }

        if (QueueDelayReachesMaxQueueTime)
        {
            return $"maxQueueDelayMs ({MaxQueueDelay.TotalMilliseconds}) must be below maxQueueTimeMs ({MaxQueueTime!.Value.TotalMilliseconds}): a request waiting that long for company would leave the queue unserved";
        }

        if (QueueCapacity < 1)
        {
            return $"queueCapacity must be at least 1. Given: {QueueCapacity}";
        }

        return Instances < 1 ? $"instances must be at least 1. Given: {Instances}" : null;
    }
}
