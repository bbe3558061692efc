using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Diagnostics;

/// <summary>
/// The server's instruments on the "InferenceApi" meter; the web host exports them to Prometheus
/// (a unit of "s" becomes a <c>_seconds</c> suffix there).
/// </summary>
public sealed class InferenceMetrics
{
    public const string MeterName = "InferenceApi";

    private readonly ConcurrentDictionary<SchedulerLabel, Func<int>> _queues = new();
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<int> _batchTokens;
    private readonly Histogram<double> _computeDuration;
    private readonly Counter<long> _dropped;
    private readonly ConcurrentDictionary<SchedulerLabel, (Func<int> Running, Func<int> Waiting)> _generation = new();
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Counter<long> _generatedTokens;

    public InferenceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("inference_requests", description: "Requests answered, by model, endpoint and status code.");
        _queueDuration = meter.CreateHistogram<double>("inference_queue_duration", "s", "Time requests waited in a model's queue before their batch ran.");
        _batchSize = meter.CreateHistogram<int>("inference_batch_size", description: "Requests per batch run.");
        _batchTokens = meter.CreateHistogram<int>("inference_batch_tokens", description: "Padded tokens per batch run (batch size x longest sequence).");
        _computeDuration = meter.CreateHistogram<double>("inference_compute_duration", "s", "Time one batch took in the runtime.");
        _dropped = meter.CreateCounter<long>("inference_dropped", description: "Queued requests that left before running, by reason (cancelled, expired, queue_time).");
        meter.CreateObservableGauge("inference_queue_depth", ObserveQueues, description: "Requests admitted to a model's queue and not yet running.");
        _timeToFirstToken = meter.CreateHistogram<double>("inference_time_to_first_token", "s", "From a generation request's admission to its first token.");
        _interTokenLatency = meter.CreateHistogram<double>("inference_inter_token_latency", "s", "Between consecutive tokens of one generation.");
        _generatedTokens = meter.CreateCounter<long>("inference_generated_tokens", description: "Tokens generated, by model.");
        meter.CreateObservableGauge("inference_running_sequences", () => ObserveGeneration(running: true), description: "Sequences in a generation model's running batch.");
        meter.CreateObservableGauge("inference_waiting_sequences", () => ObserveGeneration(running: false), description: "Sequences waiting to join a generation model's running batch.");
    }

    /// <summary>Histogram bucket boundaries that suit each instrument, for the exporter's views.</summary>
    public static IReadOnlyDictionary<string, double[]> Buckets { get; } = new Dictionary<string, double[]>
    {
        ["inference_queue_duration"] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        ["inference_compute_duration"] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        ["inference_time_to_first_token"] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        ["inference_inter_token_latency"] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        ["inference_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128],
        ["inference_batch_tokens"] = [16, 64, 256, 1024, 4096, 16384, 65536],
    };

    public void RecordRequest(string model, string endpoint, int statusCode) =>
        _requests.Add(1, new("model", model), new("endpoint", endpoint), new("status", statusCode));

    public void RecordBatch(SchedulerLabel label, int size, int paddedTokens, TimeSpan compute)
    {
        var tag = new KeyValuePair<string, object?>("model", label.Model);
        _batchSize.Record(size, tag);
        _batchTokens.Record(paddedTokens, tag);
        _computeDuration.Record(compute.TotalSeconds, tag);
    }

    public void RecordQueueTime(SchedulerLabel label, TimeSpan waited) =>
        _queueDuration.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("model", label.Model));

    public void RecordDropped(SchedulerLabel label, DropReason reason) =>
        _dropped.Add(1, new("model", label.Model), new("reason", ReasonLabel(reason)));

    private static string ReasonLabel(DropReason reason) => reason switch
    {
        DropReason.Cancelled => "cancelled",
        DropReason.QueueTimeExceeded => "queue_time",
        _ => "expired",
    };

    public void TrackQueue(SchedulerLabel label, Func<int> depth) => _queues[label] = depth;

    public void UntrackQueue(SchedulerLabel label) => _queues.TryRemove(label, out _);

    public void RecordFirstToken(string model, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _timeToFirstToken.Record(elapsed.TotalSeconds, tag);
        _generatedTokens.Add(1, tag);
    }

    public void RecordNextToken(string model, TimeSpan sincePrevious)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _interTokenLatency.Record(sincePrevious.TotalSeconds, tag);
        _generatedTokens.Add(1, tag);
    }

    public void TrackGeneration(SchedulerLabel label, Func<int> running, Func<int> waiting) => _generation[label] = (running, waiting);

    public void UntrackGeneration(SchedulerLabel label) => _generation.TryRemove(label, out _);

    private IEnumerable<Measurement<int>> ObserveGeneration(bool running)
    {
        foreach (var (label, counts) in _generation)
        {
            yield return new Measurement<int>(running ? counts.Running() : counts.Waiting(), new("model", label.Model), new("version", label.Version));
        }
    }

    private IEnumerable<Measurement<int>> ObserveQueues()
    {
        foreach (var (label, depth) in _queues)
        {
            yield return new Measurement<int>(depth(), new("model", label.Model), new("version", label.Version));
        }
    }
}
