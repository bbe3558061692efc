using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Bench;

/// <summary>
/// P2's floor: the thinnest HTTP server around the raw <c>Run</c>, a bare ASP.NET Core endpoint that reads the body and
/// runs the benchmark's fixed token ids (no JSON, tokenizer, scheduler or answer to build), as a child process that the
/// same client calls one request at a time (<see cref="IdleComparison"/>). Its p50 over the raw <c>Run</c> is what HTTP
/// and the idle gap between two requests cost on this machine before any server's own work; with the server's threading
/// (the shared pool, no spinning) it also shows what waking the runtime's threads after that gap costs.
/// </summary>
internal static class HttpFloor
{
    /// <summary>The first argument that makes this benchmark's assembly serve the floor instead of measuring.</summary>
    public const string Command = "http-floor";

    private const string ModelVariable = "BENCH_FLOOR_MODEL";
    private const string IdsVariable = "BENCH_FLOOR_IDS";
    private const string ThreadingVariable = "BENCH_FLOOR_THREADING";
    private const string RunTimeHeader = "x-run-time";

    /// <summary>Serves the floor until killed: <c>POST /v1/classify</c>, <c>POST /raw-runs?count=N</c> and <c>GET /health/ready</c>.</summary>
    public static async Task ServeAsync(string[] args)
    {
        var ids = Environment.GetEnvironmentVariable(IdsVariable)!.Split(',').Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToArray();
        var modelFile = Environment.GetEnvironmentVariable(ModelVariable)!;
        using var raw = Environment.GetEnvironmentVariable(ThreadingVariable) == "server"
            ? RawClassifier.WithServerThreading(modelFile)
            : new RawClassifier(modelFile);
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

        // Raw's baseline in the same kind of process, away from the benchmark's own HTTP clients: runs back to back.
        app.MapPost("/raw-runs", (int count) => string.Join(',', Enumerable.Range(0, Math.Clamp(count, 1, 1000))
            .Select(_ => raw.TimedRun(ids).ToString("0.000", CultureInfo.InvariantCulture))));
        await app.RunAsync();
    }

    /// <summary>Starts the floor as a child process, with raw's threading or the server's.</summary>
    public static Task<ServerProcess> StartAsync(string modelFile, long[] ids, bool serverThreading) =>
        ServerProcess.StartAsync(typeof(HttpFloor).Assembly.Location, new Dictionary<string, string>
        {
            [ModelVariable] = modelFile,
            [IdsVariable] = string.Join(',', ids.Select(id => id.ToString(CultureInfo.InvariantCulture))),
            [ThreadingVariable] = serverThreading ? "server" : "raw",
        }, Command);

    /// <summary><paramref name="count"/> batch-1 <c>Run</c>s back to back in a floor's process, with its threading: their times, ms.</summary>
    public static async Task<double[]> RawRunsAsync(HttpClient client, int count)
    {
        using var response = await client.PostAsync($"/raw-runs?count={count}", content: null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Split(',').Select(run => double.Parse(run, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>One request to a floor: the <c>Run</c> time it reported, ms.</summary>
    public static async Task<double> SendAsync(HttpClient client, HttpContent content)
    {
        using var response = await client.PostAsync("/v1/classify", content);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsStringAsync();
        return double.Parse(response.Headers.GetValues(RunTimeHeader).First(), CultureInfo.InvariantCulture);
    }
}
