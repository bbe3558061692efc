namespace InferenceApi.Serving;

/// <summary>
/// Where a request's inputs went: how many the result cache answered and, for inputs that ran, the longest queue
/// and compute time among them and the largest batch one of them joined. The endpoints turn it into the
/// <c>X-Cache</c>, <c>x-queue-time</c>, <c>x-inference-time</c> and <c>x-batch-size</c> headers; parts a run does not
/// measure (a generation's queue time) are null and left out.
/// </summary>
public sealed record RunReport(int Inputs, int CacheHits, TimeSpan? QueueTime = null, TimeSpan? ComputeTime = null, int? LargestBatch = null)
{
    /// <summary>What the <c>X-Cache</c> header says: every input from the cache, none, or some.</summary>
    public string Cache => CacheHits == Inputs ? "hit" : CacheHits == 0 ? "miss" : "partial";
}
