using System.CommandLine;
using System.Globalization;
using InferenceApi.LoadGen.Scenarios;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Cli;

/// <summary>
/// `ceiling`: the generator's own maximum sustainable open-loop rate, against a trivial in-process endpoint (or
/// --url), so nobody mistakes the tool for the bottleneck. Doubles the rate until a step misses its target, then tries halfway back once.
/// </summary>
public static class CeilingCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "Endpoint base address; default: a trivial server hosted in this process" };
        var path = new Option<string>("--path") { Description = "Path to GET", DefaultValueFactory = _ => "/health/ready" };
        var start = new Option<double>("--start") { Description = "First rate, requests per second", DefaultValueFactory = _ => 1000 };
        var max = new Option<double>("--max") { Description = "Highest rate to try", DefaultValueFactory = _ => 64_000 };
        var step = new Option<string>("--step") { Description = "Measured length of each step (after 1 s warm-up)", DefaultValueFactory = _ => "3s" };
        var command = new Command("ceiling", "Measure the generator's maximum sustainable rate against a trivial endpoint") { url, path, start, max, step };
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(url) is { } u ? new Uri(u, UriKind.Absolute) : null;
            await using var server = given is null ? await TrivialServer.StartAsync(ct).ConfigureAwait(false) : null;
            var target = given ?? server!.Address;
            var best = await FindAsync(target, parse.GetValue(path)!, parse.GetValue(start), parse.GetValue(max), Durations.Parse(parse.GetValue(step)!), Console.Out, ct).ConfigureAwait(false);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CEILING {best:0} requests/s sustained (open loop, GET {target}{parse.GetValue(path)!.TrimStart('/')})"));
            return 0;
        });
        return command;
    }

    /// <summary>Highest rate at which throughput stayed within 5% of target, with no errors and a sender lag p99 under 10 ms.</summary>
    public static async Task<double> FindAsync(Uri url, string path, double start, double max, TimeSpan step, TextWriter log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var client = HttpClients.Create(url, TimeSpan.FromSeconds(10));
        var sender = new GetScenario(client, path);
        var best = 0.0;
        for (var rate = start; rate <= max && !ct.IsCancellationRequested; rate *= 2)
        {
            if (!await HoldsAsync(url, path, sender, rate, step, log, ct).ConfigureAwait(false))
            {
                // One step back halfway between the last rate that held and this one, for a finer figure.
                var middle = (best + rate) / 2;
                if (best > 0 && await HoldsAsync(url, path, sender, middle, step, log, ct).ConfigureAwait(false))
                {
                    best = middle;
                }

                break;
            }

            best = rate;
        }

        return best;
    }

    private static async Task<bool> HoldsAsync(Uri url, string path, GetScenario sender, double rate, TimeSpan step, TextWriter log, CancellationToken ct)
    {
        var settings = new RunSettings(url, "get", "open", LoadProfile.Constant(rate, step)) { Warmup = TimeSpan.FromSeconds(1), Path = path, MaxInFlight = 2_000 };
        var result = await LoadTest.RunAsync(settings, sender, null, ct).ConfigureAwait(false);
        var s = result.Summary;
        var ok = s.Errors == 0 && s.Throughput >= 0.95 * rate && s.SenderLagMs.P99 < 10;
        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"rate {rate,8:0}/s -> {s.Throughput,9:0.0}/s  p99 {s.LatencyMs.P99,8:0.00} ms  sender lag p99 {s.SenderLagMs.P99,8:0.00} ms  errors {s.Errors}  {(ok ? "sustained" : "missed")}")).ConfigureAwait(false);
        return ok;
    }
}
