using System.Diagnostics.Metrics;

namespace InferenceApi.Core.Tests;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters carry it as their scope, so a <see cref="MeterListener"/>
/// can listen to one test's instruments only while other tests record on meters of the same name.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        options.Scope = this;
        var meter = new Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
