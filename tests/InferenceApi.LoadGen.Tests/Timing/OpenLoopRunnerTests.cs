using InferenceApi.LoadGen.Results;
using InferenceApi.LoadGen.Scenarios;
using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;

namespace InferenceApi.LoadGen.Tests.Timing;

/// <summary>
/// The open loop on a fake clock against a <see cref="ScriptedServer"/>: the test moves time from one event (a send
/// due, an answer) to the next, so every figure is exact instead of a window around wall-clock time.
/// </summary>
public class OpenLoopRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Service = TimeSpan.FromMilliseconds(40);

    [Fact]
    public async Task Run_SlowServer_KeepsScheduleAndLatencyGrowsFromIntendedTime()
    {
        // One request at a time, 40 ms each: 25/s of capacity against 50/s offered, so a queue builds up.
        var profile = LoadProfile.Constant(50, TimeSpan.FromSeconds(2));
        var sends = ArrivalSchedule.SendTimes(profile).ToList();
        var answers = new TimeSpan[sends.Count];
        for (var k = 0; k < sends.Count; k++)
        {
            answers[k] = (k == 0 || sends[k] > answers[k - 1] ? sends[k] : answers[k - 1]) + Service;
        }

        var (result, progress) = await SimulateAsync(profile, answers, maxInFlight: 10_000);

        // The schedule did not bend to the server: all 100 left exactly when planned.
        Assert.Equal(100, result.Summary.Requests);
        Assert.Equal(TimeSpan.Zero, progress.MaxSenderLag);
        Assert.Equal(0, result.Summary.SenderLagMs.Max);
        Assert.Equal(0, result.Summary.Errors);

        // Latency counts from the intended time: request k waits for all before it, 20 k + 40 ms, so the last one 2020 ms.
        Assert.Equal(2020, (answers[^1] - sends[^1]).TotalMilliseconds);
        AssertRecorded(2020, result.Summary.LatencyMs.Max);

        // Windows are by completion second: each holds the requests answered in it, and their latency keeps growing.
        var expected = answers.Select((at, k) => (Second: (int)at.TotalSeconds, Latency: (at - sends[k]).TotalMilliseconds))
            .GroupBy(a => a.Second).OrderBy(g => g.Key).ToList();
        Assert.Equal(expected.Select(g => (long)g.Count()), result.Windows.Select(w => w.Requests));
        for (var i = 0; i < expected.Count; i++)
        {
            AssertRecorded(expected[i].Max(a => a.Latency), result.Windows[i].Max);
        }
    }

    [Fact]
    public async Task Run_TooManyInFlight_DropsAndCountsThem()
    {
        // Ten sends 50 ms apart; nothing is answered until the schedule is over, so from the fifth on there are 4 in flight.
        var profile = LoadProfile.Constant(20, TimeSpan.FromSeconds(0.5));
        var answers = Enumerable.Repeat(TimeSpan.FromSeconds(1), 10).ToArray();

        var (result, progress) = await SimulateAsync(profile, answers, maxInFlight: 4);

        Assert.Equal(10, result.Summary.Requests);
        Assert.Equal(6, result.ErrorKinds["dropped_max_in_flight"]);
        Assert.Equal(4, result.StatusCodes["200"]);
        Assert.Equal(0, progress.InFlight);
    }

    [Fact]
    public async Task Run_WarmupRequests_ExcludedFromResults()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/", () => "ok"));
        using var client = HttpClients.Create(server.Address, TimeSpan.FromSeconds(10));
        var recorder = new LatencyRecorder(TimeSpan.FromSeconds(0.5));

        await OpenLoopRunner.RunAsync(new GetScenario(client, "/"), LoadProfile.Constant(40, TimeSpan.FromSeconds(1)), recorder, new RunProgress(), CancellationToken.None);

        Assert.Equal(20, recorder.WarmupRequests);
        Assert.Equal(20, recorder.Requests);
    }

    /// <summary>
    /// Runs <paramref name="profile"/> on a fake clock, event by event in time order. At a send time the clock moves
    /// there and the test waits until the runner has sent that request, or dropped it when <paramref name="maxInFlight"/>
    /// are out, and then until it waits for the next send; at <paramref name="answers"/>[k] it moves there and answers
    /// request k if it was sent, and waits until the runner has recorded it. So every timestamp the runner takes is the
    /// event's own instant.
    /// </summary>
    private static async Task<(LoadTestResult Result, RunProgress Progress)> SimulateAsync(LoadProfile profile, TimeSpan[] answers, int maxInFlight)
    {
        var clock = new CountingClock(Start);
        var progress = new RunProgress(clock);
        var recorder = new LatencyRecorder(TimeSpan.Zero);
        var server = new ScriptedServer();
        var sends = ArrivalSchedule.SendTimes(profile).ToList();
        var run = OpenLoopRunner.RunAsync(server, profile, recorder, progress, CancellationToken.None, maxInFlight);

        var events = sends.Select((at, k) => (At: at, Send: true, K: k))
            .Concat(answers.Select((at, k) => (At: at, Send: false, K: k)))
            .OrderBy(e => e.At).ThenBy(e => e.Send ? 0 : 1).ThenBy(e => e.K);
        var inFlight = new HashSet<int>();
        var completed = 0L;
        foreach (var (at, send, k) in events)
        {
            clock.SetUtcNow(Start + at);
            if (send)
            {
                if (inFlight.Count >= maxInFlight)
                {
                    completed++;
                    Until(() => progress.Sent > k && progress.Completed == completed);
                }
                else
                {
                    inFlight.Add(k);
                    Until(() => server.HasArrived(k));
                }

                if (k < sends.Count - 1)
                {
                    // The runner's wait for the next send (one timer per send) must start at this instant.
                    Until(() => clock.TimersCreated > k);
                }
            }
            else if (inFlight.Remove(k))
            {
                server.Answer(k);
                completed++;
                Until(() => progress.Completed == completed);
            }
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        var config = new RunConfig("scripted", "get", null, "open", profile.ToString(), profile.TotalDuration.TotalSeconds, 0);
        return (recorder.ToResult(config, Start, profile.TotalDuration, 0), progress);
    }

    /// <summary>A latency as the histograms hold it: three significant digits, so up to 0.1 % above the exact value.</summary>
    private static void AssertRecorded(double expectedMs, double recordedMs) => Assert.InRange(recordedMs, expectedMs, expectedMs * 1.001);

    /// <summary>Spins until <paramref name="condition"/> holds; the limit only turns a hang into a failure.</summary>
    private static void Until(Func<bool> condition) =>
        Assert.True(SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(10)), "the runner did not get there");
}
