using System.Globalization;
using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Reporting;

/// <summary>
/// Baseline vs current: fails when p99 latency rose, or throughput fell, by more than the allowed percentages.
/// Error rate is reported alongside but does not gate (a regression in errors shows in throughput of successes).
/// </summary>
public static class ResultComparison
{
    public static ComparisonResult Compare(LoadTestResult baseline, LoadTestResult current, double maxP99RegressionPct, double maxThroughputRegressionPct)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var lines = new List<string>();
        var passed = true;

        var p99Change = Change(baseline.Summary.LatencyMs.P99, current.Summary.LatencyMs.P99);
        var p99Bad = p99Change > maxP99RegressionPct;
        passed &= !p99Bad;
        lines.Add(Inv($"{(p99Bad ? "FAIL" : "ok  ")} p99 latency {baseline.Summary.LatencyMs.P99:0.00} ms -> {current.Summary.LatencyMs.P99:0.00} ms ({p99Change:+0.0;-0.0;0.0}%, allowed +{maxP99RegressionPct:0.#}%)"));

        var tputChange = Change(baseline.Summary.Throughput, current.Summary.Throughput);
        var tputBad = -tputChange > maxThroughputRegressionPct;
        passed &= !tputBad;
        lines.Add(Inv($"{(tputBad ? "FAIL" : "ok  ")} throughput {baseline.Summary.Throughput:0.0}/s -> {current.Summary.Throughput:0.0}/s ({tputChange:+0.0;-0.0;0.0}%, allowed -{maxThroughputRegressionPct:0.#}%)"));

        lines.Add(Inv($"info error rate {baseline.Summary.ErrorRate:P2} -> {current.Summary.ErrorRate:P2}"));
        if (baseline.Config.Scenario != current.Config.Scenario || baseline.Config.Mode != current.Config.Mode || baseline.Config.Profile != current.Config.Profile)
        {
            lines.Add(Inv($"warn the runs differ: {baseline.Config.Scenario}/{baseline.Config.Mode}/{baseline.Config.Profile} vs {current.Config.Scenario}/{current.Config.Mode}/{current.Config.Profile}"));
        }

        return new ComparisonResult(passed, lines);
    }

    /// <summary>Percent change from baseline; a zero baseline counts any rise as infinite.</summary>
    private static double Change(double baseline, double current) =>
        baseline == 0 ? (current == 0 ? 0 : double.PositiveInfinity) : (current - baseline) / baseline * 100;

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
