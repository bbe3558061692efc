namespace InferenceApi.Core.Generation;

/// <summary>
/// The limits of one generation model's continuous batching.
/// </summary>
/// <param name="MaxRunning">Most sequences in the running batch.</param>
/// <param name="MaxBatchTokens">Most tokens the running sequences may hold together (each counted at prompt + max new tokens, so admitted work never outgrows it).</param>
/// <param name="QueueCapacity">Most sequences waiting to join; one more gets 429.</param>
/// <param name="MaxQueueTime">
/// The longest wait for a seat a sequence is admitted to (expected from the waiting line and how long generations take);
/// longer is refused at once with 429. Null: only the request's deadline bounds it.
/// </param>
public sealed record ContinuousBatchLimits(int MaxRunning, int MaxBatchTokens, int QueueCapacity, TimeSpan? MaxQueueTime = null);
