using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Bench;

/// <summary>
/// P2's floor: the thinnest HTTP server around the raw <c>Run</c>, a bare ASP.NET Core endpoint that reads the body and
/// runs the benchmark's fixed token ids (no JSON, tokenizer, scheduler or answer to build), as a child process that the
/// same client calls one request at a time. Its p50 over the raw <c>Run</c> is what HTTP and the idle gap between two
/// requests cost on this machine before any server's own work; with the server's threading (the shared pool, no
/// spinning) it also shows what waking the runtime's threads after that gap costs.
/// </summary>
internal static class HttpFloor
{
    /// <summary>The first argument that makes this benchmark's assembly serve the floor instead of measuring.</summary>
    public const string Command = "http-floor";

    private const string ModelVariable = "BENCH_FLOOR_MODEL";
    private const string IdsVariable = "BENCH_FLOOR_IDS";
    private const string ThreadingVariable = "BENCH_FLOOR_THREADING";
    private const string RunTimeHeader = "x-run-time";

    /// <summary>Serves the floor until killed: <c>POST /v1/classify</c> and <c>GET /health/ready</c>.</summary>
    public static async Task ServeAsync(string[] args)
    {
        var serverThreading = Environment.GetEnvironmentVariable(ThreadingVariable) == "server";
        if (serverThreading)
        {
            // As the server's OnnxEnvironment does with its defaults: one pool of as many threads as cores, no spinning.
            using var threading = new OrtThreadingOptions { GlobalIntraOpNumThreads = Environment.ProcessorCount, GlobalInterOpNumThreads = 1, GlobalSpinControl = false };
            var creation = new EnvironmentCreationOptions { threadOptions = threading, logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING };
            OrtEnv.CreateInstanceWithOptions(ref creation);
        }

        var ids = Environment.GetEnvironmentVariable(IdsVariable)!.Split(',').Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToArray();
        using var raw = new RawClassifier(Environment.GetEnvironmentVariable(ModelVariable)!, spinning: !serverThreading, sharedPool: serverThreading);
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/health/ready", () => "ready");
        app.MapPost("/v1/classify", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            var run = raw.TimedRun(ids);
            context.Response.Headers[RunTimeHeader] = run.ToString("0.000", CultureInfo.InvariantCulture);
            return TypedResults.Text("""{"label":"LABEL_0","score":0.5}""", "application/json");
        });
        await app.RunAsync();
    }

    /// <summary>
    /// Starts the floor with raw's threading or the server's, and measures it as the benchmark measures the server's idle
    /// latency: one client, one request at a time, after a warm-up.
    /// </summary>
    public static async Task<FloorMeasurement> MeasureAsync(string modelFile, long[] ids, bool serverThreading, Func<int, HttpContent> request, double seconds)
    {
        await using var floor = await ServerProcess.StartAsync(typeof(HttpFloor).Assembly.Location, new Dictionary<string, string>
        {
            [ModelVariable] = modelFile,
            [IdsVariable] = string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture))),
            [ThreadingVariable] = serverThreading ? "server" : "raw",
        }, Command);
        using var client = new HttpClient { BaseAddress = floor.BaseAddress };
        for (var i = 0; i < 50; i++)
        {
            await SendAsync(client, request(i));
        }

        var latencies = new List<double>();
        var runs = new List<double>();
        var measuring = Stopwatch.StartNew();
        while (measuring.Elapsed.TotalSeconds < Math.Min(5, seconds / 2) || latencies.Count < 50)
        {
            var started = Stopwatch.GetTimestamp();
            runs.Add(await SendAsync(client, request(latencies.Count)));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        runs.Sort();
        return new FloorMeasurement(latencies[latencies.Count / 2], runs[runs.Count / 2]);
    }

    private static async Task<double> SendAsync(HttpClient client, HttpContent content)
    {
        using var response = await client.PostAsync("/v1/classify", content);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsStringAsync();
        return double.Parse(response.Headers.GetValues(RunTimeHeader).First(), CultureInfo.InvariantCulture);
    }
}
