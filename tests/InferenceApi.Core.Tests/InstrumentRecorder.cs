using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace InferenceApi.Core.Tests;

/// <summary>Records one instrument's measurements, with their tags, from the meters of one <see cref="TestMeterFactory"/>.</summary>
internal sealed class InstrumentRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public InstrumentRecorder(TestMeterFactory meters, string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Scope == meters && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    /// <summary>The value of tag <paramref name="key"/> on each measurement so far, in order.</summary>
    public IReadOnlyList<string?> Tag(string key) => _measurements.Select(m => m.Tags.GetValueOrDefault(key)?.ToString()).ToList();

    public void Dispose() => _listener.Dispose();

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((value, copy));
    }
}
