using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Models;

/// <summary>
/// How a model version is served, declared once: the server defaults are section <c>Models:Defaults</c>, a model's
/// <c>inference.json</c> overrides any of them by the same name in camelCase, and the merged copy is what its loader
/// gets. The ranges are checked at start for the defaults and at load for each file.
/// </summary>
public sealed record ServingSettings
{
    /// <summary>
    /// Most requests in one batch. Default 32. Larger batches raise throughput and the latency of each batch. 0 is
    /// Triton's <c>max_batch_size: 0</c>: no batching, each request runs alone (as 1 does), and a tensor model takes the
    /// shapes it is sent instead of stacking rows along dim 0.
    /// </summary>
    [Range(0, 1024)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Most padded tokens in one batch (size × longest). Default 16384. Bounds memory and step time; must cover the longest input.</summary>
    [Range(1, 1 << 22)]
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>
    /// How long the oldest request waits for company before a partial batch runs, in ms. Default 0: a batch
    /// takes whatever queued while the instance was busy, so batches grow with load and an idle server adds
    /// no delay. Above 0 fills batches under moderate load at the cost of latency (timers on virtual machines
    /// often fire 2–4 ms late, so small values cost more than they say). Must stay below <see cref="MaxQueueTimeMs"/>.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxQueueDelayMs { get; set; }

    /// <summary>Most requests waiting per model version; one more gets 429. Default 1024. Bounds memory and the worst queueing delay.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Batches run at once per model version, each on its own session (Triton's instance count). Default 1: on a CPU one session already uses every core.</summary>
    [Range(1, 64)]
    public int Instances { get; set; } = 1;

    /// <summary>
    /// The longest wait in the queue a request is admitted to, in ms. Default 1000. At admission the queue estimates the
    /// wait from its depth and measured service rate; a request that would wait longer (or past its deadline) gets 429
    /// with Retry-After at once, and one that has still not started when this passes (the machine ran slower than
    /// measured) gets 429 before it runs, so under overload admitted requests start within this plus the batch running
    /// then, and the rest can go elsewhere. A request's own later inputs, and a shutdown drain, are exempt; generation
    /// applies it at admission only (a request's samples wait for seats together). Higher absorbs longer bursts at the
    /// cost of latency under load.
    /// </summary>
    [Range(1, 3_600_000)]
    public int MaxQueueTimeMs { get; set; } = 1000;

    /// <summary>Longest a request may wait in the queue before it is answered with 504, in ms. Default 30000.</summary>
    [Range(1, 3_600_000)]
    public int RequestTimeoutMs { get; set; } = 30_000;

    /// <summary>Cpu, Cuda or Auto (default): Auto tries CUDA and logs why it fell back to the CPU.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Auto;

    /// <summary>
    /// Threads inside one operator. Default 0: the process-wide pool shared by all sessions (section OnnxRuntime, as
    /// many threads as cores). Above 0 the model's sessions get a pool of their own of that size, which competes with
    /// the shared one for the cores.
    /// </summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; default 1 (sequential execution is fastest for transformer graphs).</summary>
    [Range(0, 1024)]
    public int InterOpThreads { get; set; } = 1;

    /// <summary>The CUDA device for the Cuda and Auto providers. Default 0.</summary>
    [Range(0, 64)]
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// A cap on input tokens below what the model itself allows (its tokenizer, position embeddings and graph). Default
    /// none: the model's own limit. Lower it to bound the cost of one request on a model trained for long inputs.
    /// </summary>
    [Range(1, 10_000_000)]
    public int? MaxSequenceLength { get; set; }

    /// <summary>Embeddings: L2-normalise vectors unless the request says otherwise. Default true (cosine similarity is then a dot product).</summary>
    public bool Normalize { get; set; } = true;

    [JsonIgnore]
    public TimeSpan MaxQueueDelay => TimeSpan.FromMilliseconds(MaxQueueDelayMs);

    [JsonIgnore]
    public TimeSpan MaxQueueTime => TimeSpan.FromMilliseconds(MaxQueueTimeMs);

    [JsonIgnore]
    public TimeSpan RequestTimeout => TimeSpan.FromMilliseconds(RequestTimeoutMs);

    /// <summary>Requests the scheduler puts in one run: <see cref="MaxBatchSize"/>, where 0 (no batching) runs them one at a time.</summary>
    [JsonIgnore]
    public int RequestsPerBatch => Math.Max(1, MaxBatchSize);

    public BatchLimits ToBatchLimits() => new(RequestsPerBatch, MaxBatchTokens, MaxQueueDelay, QueueCapacity, Instances, MaxQueueTime);

    public SessionSettings ToSessionSettings() => new(ExecutionProvider, IntraOpThreads, InterOpThreads, CudaDeviceId);
}
