using System.Globalization;
using System.Text.RegularExpressions;
using InferenceApi.Deployment.Tests.Drills;
using InferenceApi.Deployment.Tests.Infrastructure;

namespace InferenceApi.Deployment.Tests.Bench;

/// <summary>
/// The benchmark's CI smoke: <c>scripts/bench.sh 2 classify</c> on what the solution's build made (about half a minute:
/// a BERT-mini built by the trainer, two servers, raw ONNX Runtime, the cache phase). It must finish and print its
/// figures; their values are not judged here, where timings are noise. It runs in the drills' collection: alone.
/// </summary>
[Collection(DrillsCollection.Name)]
public sealed partial class BenchScriptTests
{
    [Fact]
    public async Task BenchScript_ClassifyForTwoSecondsPerPhase_PrintsAWellFormedRatiosLineWithFiniteFigures()
    {
        var (exitCode, output) = await BashScript.RunAsync(
            TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["BENCH_NO_BUILD"] = "1" }, "scripts/bench.sh", "2", "classify");

        Assert.True(exitCode == 0, $"scripts/bench.sh exited {exitCode}:\n{output}");
        var ratios = output.Split('\n').Where(line => line.StartsWith("RATIOS ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(ratios);
        var match = RatiosLine().Match(line);
        Assert.True(match.Success, $"RATIOS line not in the expected shape:\n{line}");
        foreach (var name in new[] { "p1", "served", "rawBest", "bestBatch", "clientCores", "cores", "serverCores", "p2", "idle", "raw", "http", "httpShared", "threading", "own", "p3", "onOff", "rawGain", "hit", "hitClient" })
        {
            var value = double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
            Assert.True(double.IsFinite(value), $"{name} is {value} in:\n{line}");
        }

        Assert.True(double.Parse(match.Groups["served"].Value, CultureInfo.InvariantCulture) > 0, $"the server answered nothing under load:\n{line}");
        Assert.True(double.Parse(match.Groups["rawBest"].Value, CultureInfo.InvariantCulture) > 0, $"raw ONNX Runtime ran nothing:\n{line}");
        Assert.True(double.Parse(match.Groups["clientCores"].Value, CultureInfo.InvariantCulture) > 0, $"the clients' CPU was not measured:\n{line}");
        Assert.True(double.Parse(match.Groups["serverCores"].Value, CultureInfo.InvariantCulture) > 0, $"the server's CPU was not measured:\n{line}");
        foreach (var name in new[] { "http", "httpShared" })
        {
            Assert.True(double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) > 0, $"a bare endpoint answered sooner than its own Run ran ({name}):\n{line}");
        }
    }

    private const string Number = @"-?[0-9]+(?:\.[0-9]+)?";

    [GeneratedRegex(
        "^RATIOS classify P1 (?<p1>" + Number + @")x \(HTTP@32 (?<served>" + Number + @") ÷ raw best (?<rawBest>" + Number + @") at batch (?<bestBatch>[0-9]+); "
        + "the clients used (?<clientCores>" + Number + ") of (?<cores>[0-9]+) cores, the server (?<serverCores>" + Number + @")\); "
        + "P2 (?<p2>" + Number + @") ms \(idle p50 (?<idle>" + Number + ") − raw Run (?<raw>" + Number + @"), in turns; "
        + "HTTP alone (?<http>" + Number + @") ms with raw's threading, (?<httpShared>" + Number + @") with the server's \(a bare endpoint's p50 − its Run\), "
        + "the server's threading (?<threading>" + Number + @") ms \(the Run there − with raw's\), the server's own work (?<own>" + Number + @") ms \(its idle p50 − that endpoint's with its threading\)\); "
        + "P3 (?<p3>" + Number + @") \(batching on/off (?<onOff>" + Number + @")x ÷ raw best/batch-1 (?<rawGain>" + Number + @")x\); "
        + "P5 cache-hit p50 (?<hit>" + Number + @") ms server-side \((?<hitClient>" + Number + @") ms at the client\)$")]
    private static partial Regex RatiosLine();
}
