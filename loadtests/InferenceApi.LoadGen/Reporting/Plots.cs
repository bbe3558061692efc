using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Reporting;

/// <summary>The report's PNG plots (ScottPlot), one point per one-second window of the measured run.</summary>
public static class Plots
{
    public const string Latency = "latency.png";
    public const string Throughput = "throughput.png";
    public const string Errors = "errors.png";

    public static IReadOnlyList<string> Write(LoadTestResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        var windows = result.Windows.Count > 0 ? result.Windows : [new TimeWindow(0, 0, 0, 0, 0, 0, 0)];
        var x = windows.Select(w => (double)w.Second).ToArray();

        var latency = new ScottPlot.Plot();
        Series(latency, x, windows.Select(w => w.P50), "p50");
        Series(latency, x, windows.Select(w => w.P90), "p90");
        Series(latency, x, windows.Select(w => w.P99), "p99");
        Series(latency, x, windows.Select(w => w.Max), "max");
        Save(latency, "Latency percentiles per second (from intended send time)", "ms", Path.Combine(folder, Latency));

        var throughput = new ScottPlot.Plot();
        Series(throughput, x, windows.Select(w => (double)w.Requests), "completed/s");
        Series(throughput, x, windows.Select(w => (double)(w.Requests - w.Errors)), "ok/s");
        Save(throughput, "Throughput (requests completed per second)", "requests/s", Path.Combine(folder, Throughput));

        var errors = new ScottPlot.Plot();
        Series(errors, x, windows.Select(w => (double)w.Errors), "errors/s");
        Save(errors, "Errors per second", "errors/s", Path.Combine(folder, Errors));

        return [Latency, Throughput, Errors];
    }

    private static void Series(ScottPlot.Plot plot, double[] x, IEnumerable<double> y, string label)
    {
        var scatter = plot.Add.Scatter(x, y.ToArray());
        scatter.LegendText = label;
    }

    private static void Save(ScottPlot.Plot plot, string title, string yLabel, string path)
    {
        plot.Title(title);
        plot.XLabel("seconds since warm-up ended");
        plot.YLabel(yLabel);
        plot.ShowLegend();
        plot.SavePng(path, 900, 360);
    }
}
