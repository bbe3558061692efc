using System.Diagnostics;

namespace InferenceApi.Bench;

/// <summary>
/// P2 and where it goes, measured side by side: one request at a time, in short blocks that take turns between the raw
/// <c>Run</c> back to back, the server, and the bare endpoint (<see cref="HttpFloor"/>) with raw's threading and with
/// the server's, for <see cref="Rounds"/> rounds after <see cref="SettlingRounds"/>. This VM's speed swings from one
/// minute to the next (a raw batch-1 <c>Run</c> of 3.0 ms in one phase, 3.7 in the next, 4.9 in a third); taking turns,
/// each swing falls on all four alike, so their differences hold where figures from separate phases did not. The raw
/// <c>Run</c>s run in the process of the endpoint with raw's threading: in this process, among the clients' threads,
/// they read up to twice as slow in some runs.
/// </summary>
internal static class IdleComparison
{
    private const int Rounds = 4;

    /// <summary>
    /// Rounds run first and not counted: after the warm-ups' load, a run printed block by block had its first two rounds
    /// 1.2–3 times as slow as its last two in every target (each process's background work settling, most likely tiered
    /// compilation).
    /// </summary>
    private const int SettlingRounds = 2;

    /// <summary>Requests at the start of each block that are not counted: the runtime's threads left by the block before settle.</summary>
    private const int SettlingRequests = 5;

    /// <param name="server">The server under test (batching on, cache off) and its requests.</param>
    /// <param name="floor">The bare endpoint with raw's threading, which also runs the raw <c>Run</c>s.</param>
    /// <param name="floorShared">The bare endpoint with the server's threading.</param>
    /// <param name="floorRequest">Request i for either bare endpoint.</param>
    /// <param name="seconds">The benchmark's seconds per phase: each block lasts an eighth of it, 0.25–1.25 s.</param>
    public static async Task<IdleFigures> MeasureAsync(
        (HttpClient Client, Func<int, HttpContent> Request, string Path) server,
        HttpClient floor,
        HttpClient floorShared,
        Func<int, HttpContent> floorRequest,
        double seconds)
    {
        var block = TimeSpan.FromSeconds(Math.Clamp(seconds / 8, 0.25, 1.25));
        var rawRuns = new Samples();
        var served = new Samples();
        var bare = new Samples();
        var bareShared = new Samples();
        for (var round = 0; round < SettlingRounds + Rounds; round++)
        {
            var counted = round >= SettlingRounds;
            await RawBlockAsync(counted ? rawRuns : new Samples(), block, floor);
            await BlockAsync(counted ? served : new Samples(), block, async i =>
            {
                using var response = await server.Client.PostAsync(server.Path, server.Request(i));
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsStringAsync();
                return double.NaN;
            });
            await BlockAsync(counted ? bare : new Samples(), block, i => HttpFloor.SendAsync(floor, floorRequest(i)));
            await BlockAsync(counted ? bareShared : new Samples(), block, i => HttpFloor.SendAsync(floorShared, floorRequest(i)));
        }

        return new IdleFigures(rawRuns.LatencyP50, served.LatencyP50, bare.LatencyP50, bare.RunP50, bareShared.LatencyP50, bareShared.RunP50);
    }

    /// <summary>The raw target's block: <c>Run</c>s back to back, ten to a request, for <paramref name="length"/>.</summary>
    private static async Task RawBlockAsync(Samples samples, TimeSpan length, HttpClient floor)
    {
        await HttpFloor.RawRunsAsync(floor, SettlingRequests);
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < length)
        {
            foreach (var run in await HttpFloor.RawRunsAsync(floor, 10))
            {
                samples.Add(run, run);
            }
        }
    }

    /// <summary>One target's block: requests one at a time for <paramref name="length"/> (at least 10 counted).</summary>
    /// <param name="send">Sends request i and returns the <c>Run</c> time the answer reported (NaN when none).</param>
    private static async Task BlockAsync(Samples samples, TimeSpan length, Func<int, Task<double>> send)
    {
        for (var i = 0; i < SettlingRequests; i++)
        {
            await send(i);
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < 10 || Stopwatch.GetElapsedTime(started) < length; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var run = await send(i);
            samples.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds, run);
        }
    }

    private sealed class Samples
    {
        private readonly List<double> _latencies = [];
        private readonly List<double> _runs = [];

        public double LatencyP50 => Median(_latencies);

        public double RunP50 => Median(_runs);

        public void Add(double latency, double run)
        {
            _latencies.Add(latency);
            if (!double.IsNaN(run))
            {
                _runs.Add(run);
            }
        }

        private static double Median(List<double> values)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            values.Sort();
            return values[values.Count / 2];
        }
    }
}
