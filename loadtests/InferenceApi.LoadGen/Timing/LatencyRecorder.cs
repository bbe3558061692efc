using System.Globalization;
using HdrHistogram;
using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// Collects finished requests into HdrHistograms (overall and per one-second window), status and error counts.
/// Requests whose intended send time falls in the warm-up are counted apart and left out of every figure.
/// Thread-safe: one lock, held for a few histogram increments per request.
/// </summary>
public sealed class LatencyRecorder
{
    // Microseconds, up to an hour; three significant digits.
    private const long HighestMicros = 3_600_000_000;

    private readonly object _gate = new();
    private readonly TimeSpan _warmup;
    private readonly LongHistogram _latency = NewHistogram();
    private readonly LongHistogram _service = NewHistogram();
    private readonly LongHistogram _lag = NewHistogram();
    private readonly LongHistogram _queue = NewHistogram();
    private readonly LongHistogram _inference = NewHistogram();
    private readonly LongHistogram _ttft = NewHistogram();
    private readonly LongHistogram _interToken = NewHistogram();
    private readonly List<Window> _windows = [];
    private readonly SortedDictionary<string, long> _statusCodes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _errorKinds = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _cache = new(StringComparer.Ordinal);
    private long _errors;
    private long _warmupRequests;
    private long _tokens;
    private double _streamRateSum;
    private long _streamRateCount;

    public LatencyRecorder(TimeSpan warmup) => _warmup = warmup;

    public TimeSpan Warmup => _warmup;

    public long Requests { get { lock (_gate) { return _latency.TotalCount; } } }

    public long Errors { get { lock (_gate) { return _errors; } } }

    public long WarmupRequests { get { lock (_gate) { return _warmupRequests; } } }

    public void Record(RequestSample sample)
    {
        var response = sample.Response;
        lock (_gate)
        {
            if (sample.Intended < _warmup)
            {
                _warmupRequests++;
                return;
            }

            var latency = Micros(sample.Latency);
            _latency.RecordValue(latency);
            _service.RecordValue(Micros(sample.Completed - sample.Started));
            _lag.RecordValue(Micros(sample.SenderLag));
            if (response.QueueMs is { } q)
            {
                _queue.RecordValue(Micros(q));
            }

            if (response.InferenceMs is { } i)
            {
                _inference.RecordValue(Micros(i));
            }

            if (sample.FirstToken is { } first)
            {
                _ttft.RecordValue(Micros(first - sample.Intended));
                var streamSeconds = (sample.Completed - first).TotalSeconds;
                if (response.Tokens > 1 && streamSeconds > 0)
                {
                    _streamRateSum += (response.Tokens - 1) / streamSeconds;
                    _streamRateCount++;
                }
            }

            foreach (var gap in response.InterTokenMs)
            {
                _interToken.RecordValue(Micros(gap));
            }

            if (response.Cache is { Length: > 0 } cache)
            {
                _cache[cache] = _cache.GetValueOrDefault(cache) + 1;
            }

            _tokens += response.Tokens;
            var status = response.Status.ToString(CultureInfo.InvariantCulture);
            _statusCodes[status] = _statusCodes.GetValueOrDefault(status) + 1;
            if (response.IsError)
            {
                _errors++;
                var kind = response.Error ?? $"http_{status}";
                _errorKinds[kind] = _errorKinds.GetValueOrDefault(kind) + 1;
            }

            var second = (int)Math.Max(0, (sample.Completed - _warmup).TotalSeconds);
            while (_windows.Count <= second)
            {
                _windows.Add(new Window());
            }

            _windows[second].Latency.RecordValue(latency);
            if (response.IsError)
            {
                _windows[second].Errors++;
            }
        }
    }

    /// <summary>p99 of the measured requests so far, ms (for the progress line).</summary>
    public double P99SoFar()
    {
        lock (_gate)
        {
            return _latency.TotalCount == 0 ? 0 : Ms(_latency.GetValueAtPercentile(99));
        }
    }

    /// <param name="measured">Length of the measured part (the profile without warm-up).</param>
    /// <param name="offeredRate">Scheduled sends per second; 0 in closed loop, where the offered rate is the throughput.</param>
    public LoadTestResult ToResult(RunConfig config, DateTimeOffset startedAt, TimeSpan measured, double offeredRate)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_gate)
        {
            var seconds = Math.Max(measured.TotalSeconds, 1e-9);
            var requests = _latency.TotalCount;
            StreamStats? stream = _ttft.TotalCount == 0
                ? null
                : new StreamStats(
                    Stats(_ttft),
                    Stats(_interToken),
                    _tokens,
                    _tokens / seconds,
                    _streamRateCount == 0 ? 0 : _streamRateSum / _streamRateCount);
            var summary = new RunSummary(
                requests,
                requests - _errors,
                _errors,
                requests == 0 ? 0 : (double)_errors / requests,
                measured.TotalSeconds,
                requests / seconds,
                offeredRate > 0 ? offeredRate : requests / seconds,
                Stats(_latency),
                Stats(_service),
                Stats(_lag),
                _queue.TotalCount == 0 ? null : Stats(_queue),
                _inference.TotalCount == 0 ? null : Stats(_inference),
                stream);

            // Windows past the measured length only hold the tail of in-flight requests; keep them, they show the drain.
            var windows = _windows.Select((w, i) => new TimeWindow(
                i,
                w.Latency.TotalCount,
                w.Errors,
                Pct(w.Latency, 50),
                Pct(w.Latency, 90),
                Pct(w.Latency, 99),
                w.Latency.TotalCount == 0 ? 0 : Ms(w.Latency.GetMaxValue()))).ToList();

            return new LoadTestResult(
                LoadTestResult.CurrentSchema,
                startedAt,
                config,
                summary,
                new SortedDictionary<string, long>(_statusCodes, StringComparer.Ordinal),
                new SortedDictionary<string, long>(_errorKinds, StringComparer.Ordinal),
                _warmupRequests,
                windows)
            {
                Cache = new SortedDictionary<string, long>(_cache, StringComparer.Ordinal),
            };
        }
    }

    private static LatencyStats Stats(LongHistogram h) => h.TotalCount == 0
        ? new LatencyStats(0, 0, 0, 0, 0, 0, 0)
        : new LatencyStats(
            h.TotalCount,
            Math.Round(h.GetMean() / 1000.0, 3),
            Pct(h, 50),
            Pct(h, 90),
            Pct(h, 99),
            Pct(h, 99.9),
            Ms(h.GetMaxValue()));

    private static double Pct(LongHistogram h, double percentile) =>
        h.TotalCount == 0 ? 0 : Ms(h.GetValueAtPercentile(percentile));

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);

    private static long Micros(TimeSpan t) => Math.Clamp((long)(t.Ticks / 10.0), 0, HighestMicros);

    private static long Micros(double ms) => Math.Clamp((long)(ms * 1000), 0, HighestMicros);

    private static LongHistogram NewHistogram() => new(HighestMicros, 3);

    private sealed class Window
    {
        public LongHistogram Latency { get; } = NewHistogram();

        public long Errors { get; set; }
    }
}
