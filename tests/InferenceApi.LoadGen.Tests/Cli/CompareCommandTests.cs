using System.CommandLine;
using InferenceApi.LoadGen.Cli;
using InferenceApi.LoadGen.Reporting;
using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Tests.Cli;

public class CompareCommandTests
{
    [Fact]
    public async Task Compare_EqualFiles_Passes()
    {
        using var folder = new TempFolder();
        var a = await WriteAsync(folder, "a.json", p99: 100, throughput: 200);

        Assert.Equal(0, await CompareAsync(a, a));
    }

    [Theory]
    [InlineData(115, 200)] // p99 +15%
    [InlineData(100, 170)] // throughput -15%
    public async Task Compare_DoctoredRegression_ExitsOne(double p99, double throughput)
    {
        using var folder = new TempFolder();
        var baseline = await WriteAsync(folder, "a.json", p99: 100, throughput: 200);
        var current = await WriteAsync(folder, "b.json", p99, throughput);

        Assert.Equal(1, await CompareAsync(baseline, current));
    }

    [Fact]
    public async Task Compare_WithinAllowance_Passes()
    {
        using var folder = new TempFolder();
        var baseline = await WriteAsync(folder, "a.json", p99: 100, throughput: 200);
        var current = await WriteAsync(folder, "b.json", p99: 105, throughput: 190);

        Assert.Equal(0, await CompareAsync(baseline, current));
    }

    [Fact]
    public void Compare_Regression_SaysWhy()
    {
        var verdict = ResultComparison.Compare(Result(100, 200), Result(150, 200), 10, 10);

        Assert.False(verdict.Passed);
        Assert.Contains(verdict.Lines, l => l.StartsWith("FAIL p99 latency 100.00 ms -> 150.00 ms (+50.0%", StringComparison.Ordinal));
    }

    private static async Task<int> CompareAsync(string baseline, string current) =>
        await new RootCommand { CompareCommand.Create() }
            .Parse(["compare", "--baseline", baseline, "--current", current, "--max-p99-regression", "10", "--max-throughput-regression", "10"])
            .InvokeAsync();

    private static async Task<string> WriteAsync(TempFolder folder, string name, double p99, double throughput)
    {
        var path = Path.Combine(folder.Path, name);
        await ResultJson.WriteAsync(Result(p99, throughput), path);
        return path;
    }

    private static LoadTestResult Result(double p99, double throughput)
    {
        var latency = new LatencyStats(1000, p99 / 2, p99 / 2, p99 * 0.8, p99, p99 * 1.2, p99 * 1.5);
        var summary = new RunSummary(1000, 1000, 0, 0, 5, throughput, throughput, latency, latency, latency, null, null, null);
        return new LoadTestResult(
            LoadTestResult.CurrentSchema,
            DateTimeOffset.UnixEpoch,
            new RunConfig("http://x", "classify", "m", "open", "200:5s", 5, 1),
            summary,
            new Dictionary<string, long> { ["200"] = 1000 },
            new Dictionary<string, long>(),
            0,
            []);
    }
}
