using System.CommandLine;
using System.Runtime.InteropServices;
using InferenceApi.LoadGen.Reporting;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Cli;

/// <summary>`run`: one load test; prints the summary table, writes results.json and report.html to --out.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Server base address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var scenario = new Option<string>("--scenario") { Description = "classify | embed | image | generate | get", DefaultValueFactory = _ => "classify" };
        scenario.AcceptOnlyFromAmong([.. RunSettings.Scenarios]);
        var model = new Option<string?>("--model") { Description = "Model name sent with each request" };
        var texts = new Option<string?>("--texts") { Description = "Texts (classify, embed) or prompts (generate), one per line; built-in samples if absent" };
        var images = new Option<string?>("--images") { Description = "Folder of .png/.jpg/.webp files (image scenario)" };
        var batch = new Option<int>("--batch") { Description = "Inputs per classify/embed request", DefaultValueFactory = _ => 1 };
        var maxTokens = new Option<int>("--max-new-tokens") { Description = "max_new_tokens for generate", DefaultValueFactory = _ => 64 };
        var path = new Option<string>("--path") { Description = "Path for the get scenario", DefaultValueFactory = _ => "/health/ready" };
        var mode = new Option<string>("--mode") { Description = "open (constant arrival rate, no coordinated omission) | closed (fixed concurrency)", DefaultValueFactory = _ => "open" };
        mode.AcceptOnlyFromAmong([.. RunSettings.Modes]);
        var rate = new Option<double>("--rate") { Description = "Open loop: requests per second", DefaultValueFactory = _ => 50 };
        var concurrency = new Option<int>("--concurrency") { Description = "Closed loop: clients", DefaultValueFactory = _ => 8 };
        var duration = new Option<string>("--duration") { Description = "Measured duration (30s, 2m)", DefaultValueFactory = _ => "30s" };
        var profile = new Option<string?>("--profile") { Description = "Steps/ramps instead of --rate/--concurrency and --duration: \"50:10s,100:10s\" or \"10-200:30s\"" };
        var warmup = new Option<string>("--warmup") { Description = "Warm-up at the first level, excluded from results", DefaultValueFactory = _ => "5s" };
        var timeout = new Option<string>("--timeout") { Description = "Per-request timeout", DefaultValueFactory = _ => "30s" };
        var output = new Option<string?>("--out") { Description = "Folder for results.json, report.html and plots" };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Open loop: drop (and count as errors) sends due while this many are outstanding", DefaultValueFactory = _ => 10_000 };
        var progress = new Option<bool>("--progress") { Description = "Live progress line on stderr even when stderr is not a terminal" };
        var noCache = new Option<bool>("--no-cache")
        {
            Description = "Send Cache-Control: no-cache, so the server runs the model for every request instead of answering repeated inputs from its cache",
        };

        var apiKey = new Option<string?>("--api-key")
        {
            // The environment variable keeps the key out of the process list and shell history. It is read in the action,
            // not as a default value, which --help would print.
            Description = $"API key sent as Authorization: Bearer with every request; default the {RunSettings.ApiKeyVariable} environment variable",
        };

        var command = new Command("run", "Run one load test")
        {
            url, scenario, model, texts, images, batch, maxTokens, path, mode, rate, concurrency, duration, profile, warmup, timeout, maxInFlight, output, progress, noCache, apiKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var modeValue = parse.GetValue(mode)!;
                var profileValue = parse.GetValue(profile) is { } p
                    ? LoadProfile.Parse(p)
                    : LoadProfile.Constant(modeValue == "closed" ? parse.GetValue(concurrency) : parse.GetValue(rate), Durations.Parse(parse.GetValue(duration)!));
                var settings = new RunSettings(new Uri(parse.GetValue(url)!, UriKind.Absolute), parse.GetValue(scenario)!, modeValue, profileValue)
                {
                    Model = parse.GetValue(model),
                    Inputs = parse.GetValue(texts),
                    Images = parse.GetValue(images),
                    Batch = parse.GetValue(batch),
                    MaxNewTokens = parse.GetValue(maxTokens),
                    Path = parse.GetValue(path)!,
                    Warmup = Durations.Parse(parse.GetValue(warmup)!),
                    Timeout = Durations.Parse(parse.GetValue(timeout)!),
                    MaxInFlight = parse.GetValue(maxInFlight),
                    NoCache = parse.GetValue(noCache),
                    ApiKey = (parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(RunSettings.ApiKeyVariable)) is { Length: > 0 } key ? key : null,
                };
                var showProgress = parse.GetValue(progress) || !Console.IsErrorRedirected;
                // Ctrl+C or SIGTERM stops sending; what was measured so far is still summarised and written.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                void Stop(PosixSignalContext context)
                {
                    context.Cancel = true;
                    stop.Cancel();
                }

                var result = await LoadTest.RunAsync(settings, showProgress ? Console.Error : null, stop.Token).ConfigureAwait(false);
                Console.Out.Write(SummaryTable.Render(result));
                if (parse.GetValue(output) is { } folder)
                {
                    // Not cancellable: after Ctrl+C the partial results are still worth writing.
                    var report = await LoadTest.WriteAsync(result, folder, CancellationToken.None).ConfigureAwait(false);
                    Console.Out.WriteLine($"wrote {Path.Combine(folder, "results.json")} and {report}");
                }

                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
