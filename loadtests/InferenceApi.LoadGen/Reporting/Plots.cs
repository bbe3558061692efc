using System.Globalization;
using InferenceApi.LoadGen.Results;
using ScottPlot;

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

        WriteLatency(result, windows, x, Path.Combine(folder, Latency));

        var throughput = new ScottPlot.Plot();
        Series(throughput, x, windows.Select(w => (double)w.Requests), "completed/s");
        Series(throughput, x, windows.Select(w => (double)(w.Requests - w.Errors)), "ok/s");
        Save(throughput, "Throughput (requests completed per second)", "requests/s", Path.Combine(folder, Throughput));

        var errors = new ScottPlot.Plot();
        Series(errors, x, windows.Select(w => (double)w.Errors), "errors/s");
        Save(errors, "Errors per second", "errors/s", Path.Combine(folder, Errors));

        return [Latency, Throughput, Errors];
    }

    /// <summary>
    /// One panel per percentile, each scaled to its own values: on one shared axis the max line hides p99 (in a
    /// second of fewer than 100 requests they are the same request) and flattens p50. Each panel also draws the
    /// whole run's figure as a dashed line and names it in its title.
    /// </summary>
    private static void WriteLatency(LoadTestResult result, IReadOnlyList<TimeWindow> windows, double[] x, string path)
    {
        var run = result.Summary.LatencyMs;
        (string Name, Func<TimeWindow, double> Value, double Run)[] panels =
        [
            ("p50", w => w.P50, run.P50),
            ("p90", w => w.P90, run.P90),
            ("p99", w => w.P99, run.P99),
            ("max", w => w.Max, run.Max),
        ];
        var multiplot = new ScottPlot.Multiplot();
        multiplot.AddPlots(panels.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < panels.Length; i++)
        {
            var (name, value, whole) = panels[i];
            var plot = multiplot.GetPlot(i);
            var scatter = plot.Add.Scatter(x, windows.Select(value).ToArray());
            scatter.Color = palette.GetColor(i);
            scatter.LineWidth = 2;
            var line = plot.Add.HorizontalLine(whole);
            line.Color = palette.GetColor(i).WithAlpha(0.6);
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"{name} latency per second (ms, from intended send time); whole run {whole:0.##} ms dashed"), size: 13);
            plot.YLabel($"{name} ms", size: 12);
            plot.Axes.SetLimitsY(0, Math.Max(windows.Max(value), whole) * 1.1 + 1e-3);
            if (i == panels.Length - 1)
            {
                plot.XLabel("seconds since warm-up ended");
            }
        }

        multiplot.SharedAxes.ShareX(multiplot.GetPlots());
        multiplot.SavePng(path, 900, 4 * 190);
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
