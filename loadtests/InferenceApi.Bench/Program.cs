using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using InferenceApi.Bench;

// Usage: dotnet run -c Release --project loadtests/InferenceApi.Bench -- [seconds per phase] [classify|image|access|generate|int8|tensor]
// For each scenario, starts the real server (a child process on loopback) twice, batching on and off, with the
// cache off, and measures the idle latency of one request and the throughput of N concurrent clients.
if (args.Length > 0 && args[0] == HttpFloor.Command)
{
    await HttpFloor.ServeAsync(args[1..]);
    return;
}

var repositoryRoot = FindRepositoryRoot();
var fixtures = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "fixtures", "onnx"));
var seconds = args.Length > 0 && args[0].Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var only = args.Length > 1 ? args[1] : null;
if (only == "int8")
{
    // Raw ONNX Runtime only, no server: float32 vs int8 of the same graphs (Int8Benchmark).
    Console.WriteLine($"RATIOS {Int8Benchmark.Run(repositoryRoot, seconds)}");
    return;
}
// BENCH_SERVER names another build's InferenceApi.dll, to measure two builds in one period on a shared machine.
var serverDll = Environment.GetEnvironmentVariable("BENCH_SERVER") is { Length: > 0 } otherServer ? Path.GetFullPath(otherServer) : Directory.EnumerateFiles(Path.Combine(repositoryRoot, "src", "InferenceApi", "bin"), "InferenceApi.dll", SearchOption.AllDirectories)
    .Where(p => p.Contains("Release", StringComparison.Ordinal)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
    ?? throw new FileNotFoundException("Build the server first: dotnet build -c Release src/InferenceApi");

// Realistic sizes for the text scenario (the toy fixtures are for tests): a random-weight BERT-mini, 64 tokens per input.
using var bertMini = only is null || only == "classify" ? BertMiniFolder.Create() : null;
var texts = bertMini?.Texts ?? [];
var images = Directory.EnumerateFiles(fixtures, "image*.png").Order().Select(File.ReadAllBytes).ToArray();
Scenario[] scenarios =
[
    new("classify", bertMini?.Folder ?? "", "/v1/classify", 32, (model, i) => JsonContent.Create(new { model, inputs = texts[i % texts.Count] })),
    new("image", Path.Combine(fixtures, "tiny-vit"), "/v1/images/classify", 16, (model, i) =>
    {
        var content = new MultipartFormDataContent { { new StringContent(model), "model" } };
        content.Add(new ByteArrayContent(images[i % images.Length]), "images", $"image{i % images.Length}.png");
        return content;
    }),
];

Console.WriteLine($"{Environment.ProcessorCount} cores; {seconds} s per phase; cache off; server {serverDll}");
if (only == "tensor")
{
    // KServe v2 JSON vs binary tensors on one [32, 3, 224, 224] FP32 input (BinaryTensorBenchmark).
    Console.WriteLine($"RATIOS {await BinaryTensorBenchmark.RunAsync(serverDll, (int)Math.Max(5, seconds))}");
    return;
}

var ratios = new List<string>();
foreach (var scenario in scenarios.Where(s => only is null || s.Name == only))
{
    var results = new Dictionary<string, Measurement>();
    foreach (var (label, maxBatch) in new[] { ("batching on", "32"), ("batching off", "1") })
    {
        results[label] = await MeasureAsync(scenario, serverDll, maxBatch, seconds);
        var m = results[label];
        Console.WriteLine($"{scenario.Name,-9} {label,-13} idle p50 {m.P50,7:0.000} ms  p99 {m.P99,7:0.000} ms  |  {scenario.Clients} clients: {m.Throughput,8:0} req/s, mean batch {m.MeanBatch:0.0}");
        Console.WriteLine($"{"",-9} {"",-13} idle server compute p50 {m.IdleCompute,7:0.000} ms, queue p50 {m.IdleQueue:0.000} ms  |  "
            + $"loaded: compute {m.LoadedComputePerBatch:0.00} ms per batch, {m.LoadedBusy:P0} of the time busy; cores used: server {m.ServerCores:0.00}, clients {m.ClientCores:0.00}");
    }

    var on = results["batching on"];
    var off = results["batching off"];
    ratios.Add(scenario.Name == "classify"
        ? await ClassifyBaselinesAsync(scenario, serverDll, bertMini!.Ids[0], on, off, Math.Min(seconds, 3))
        : $"{scenario.Name}@{scenario.Clients} batching on/off {on.Throughput / off.Throughput:0.00}x (idle p50 {on.P50:0.000} ms)");
}

if (only is null || only == "access")
{
    ratios.Add(await AccessBenchmark.RunAsync(serverDll, Path.Combine(fixtures, "tiny-bert-cls"), seconds));
}

if (only is null || only == "generate")
{
    ratios.Add(await GenerationBenchmark.RunAsync(serverDll, seconds));
}

Console.WriteLine($"RATIOS {string.Join("; ", ratios)}");

static async Task<Measurement> MeasureAsync(Scenario scenario, string serverDll, string maxBatch, double seconds)
{
    var (models, model) = CopyModel(scenario);
    try
    {
        await using var server = await ServerProcess.StartAsync(serverDll, ServerSettings(models, maxBatch));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        await WarmUpAsync(client, scenario, model, seconds);

        var latencies = new List<double>();
        var computes = new List<double>();
        var queues = new List<double>();
        var idle = Stopwatch.StartNew();
        while (idle.Elapsed.TotalSeconds < Math.Min(5, seconds / 2) || latencies.Count < 50)
        {
            var start = Stopwatch.GetTimestamp();
            var sent = await SendAsync(client, scenario, model, latencies.Count);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            computes.Add(sent.ComputeMs);
            queues.Add(sent.QueueMs);
        }

        latencies.Sort();
        computes.Sort();
        queues.Sort();
        long count = 0, batchSum = 0;
        double computeShare = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var loadStarted = Stopwatch.GetTimestamp();

        // The cores each side used under load: on one machine, what the clients and the server's own HTTP work take is
        // not there for the server's Runs, while raw ONNX Runtime, measured alone, had every core.
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var serverCpu = server.CpuTime;
        await Task.WhenAll(Enumerable.Range(0, scenario.Clients).Select(async worker =>
        {
            var i = worker;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var sent = await SendAsync(client, scenario, model, i++);
                Interlocked.Increment(ref count);
                Interlocked.Add(ref batchSum, sent.Batch);

                // Each request carries its batch's compute time: its share of it sums to the batches' total.
                lock (latencies)
                {
                    computeShare += sent.ComputeMs / sent.Batch;
                }
            }
        }));
        var loaded = Stopwatch.GetElapsedTime(loadStarted).TotalMilliseconds;
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        serverCpu = server.CpuTime - serverCpu;
        var meanBatch = batchSum / (double)Math.Max(1, count);
        return new Measurement(Percentile(latencies, 0.50), Percentile(latencies, 0.99), count / seconds, meanBatch)
        {
            IdleCompute = Percentile(computes, 0.50),
            IdleQueue = Percentile(queues, 0.50),
            LoadedComputePerBatch = computeShare * meanBatch / Math.Max(1, count),
            LoadedBusy = computeShare / loaded,
            ClientCores = clientCpu.TotalMilliseconds / loaded,
            ServerCores = serverCpu.TotalMilliseconds / loaded,
        };
    }
    finally
    {
        Directory.Delete(models, recursive: true);
    }
}

// Raw in-process ONNX Runtime on the same ids the server feeds, side by side with the server's figures, and a cache-hit phase.
// P1: server throughput at 32 clients ÷ raw at its best batch; P2: server idle p50 − one raw batch-1 Run p50, in turns;
// P3: the server's batching gain (on ÷ off) ÷ the gain raw batching offers (best batch ÷ batch 1).
static async Task<string> ClassifyBaselinesAsync(Scenario scenario, string serverDll, long[] ids, Measurement on, Measurement off, double seconds)
{
    var modelFile = Path.Combine(scenario.ModelFolder, "model.onnx");
    IReadOnlyDictionary<int, double> rates;
    using (var raw = new RawClassifier(modelFile))
    {
        rates = raw.Throughputs(ids, seconds);
    }

    var best = rates.MaxBy(r => r.Value);
    var rawGain = best.Value / rates[1];
    Console.WriteLine($"classify  raw ONNX Runtime in process: best {best.Value,8:0} seq/s at batch {best.Key}; " + string.Join(", ", rates.Select(r => $"b{r.Key} {r.Value:0}")));

    // P2 side by side (IdleComparison): a server as the one measured above (batching on, cache off), the raw Run, and the
    // bare endpoint with raw's threading and with the server's (HttpFloor), all alive at once and taking turns.
    IdleFigures idle;
    var (idleModels, idleModel) = CopyModel(scenario);
    try
    {
        await using var server = await ServerProcess.StartAsync(serverDll, ServerSettings(idleModels, "32"));
        await using var floor = await HttpFloor.StartAsync(modelFile, ids, serverThreading: false);
        await using var floorShared = await HttpFloor.StartAsync(modelFile, ids, serverThreading: true);
        using var serverClient = new HttpClient { BaseAddress = server.BaseAddress };
        using var floorClient = new HttpClient { BaseAddress = floor.BaseAddress };
        using var floorSharedClient = new HttpClient { BaseAddress = floorShared.BaseAddress };
        await WarmUpAsync(serverClient, scenario, idleModel, seconds);
        await WarmUpAsync(floorClient, scenario, "floor", seconds);
        await WarmUpAsync(floorSharedClient, scenario, "floor", seconds);
        idle = await IdleComparison.MeasureAsync(
            (serverClient, i => scenario.Request(idleModel, i), scenario.Path), floorClient, floorSharedClient, i => scenario.Request("floor", i), seconds);
    }
    finally
    {
        Directory.Delete(idleModels, recursive: true);
    }

    Console.WriteLine($"classify  idle, one request at a time, in turns ({BertMiniFolder.Tokens} tokens): raw batch-1 Run p50 {idle.RawRun:0.000} ms, server p50 {idle.Server:0.000} ms; "
        + $"a bare ASP.NET Core endpoint around the same Run, the same client: {idle.Floor:0.000} ms around a Run of {idle.FloorRun:0.000} with raw's threading, "
        + $"{idle.FloorShared:0.000} around {idle.FloorSharedRun:0.000} with the server's (the shared pool, no spinning)");
    Console.WriteLine($"classify  side by side: raw best {best.Value:0} seq/s vs server {scenario.Clients} clients {on.Throughput:0} req/s (batching off {off.Throughput:0})");

    var (models, model) = CopyModel(scenario);
    double hitP50, hitServerP50, hitCpu, hitRate;
    try
    {
        await using var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string> { ["Models__Path"] = models });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var latencies = new List<double>();
        var serverTimes = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(scenario.Path, scenario.Request(model, 0));
            response.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            // Server-Timing "app;dur=MS": the server's own time until its answer started (NaN from a build without it, BENCH_SERVER).
            serverTimes.Add(response.Headers.TryGetValues("Server-Timing", out var timing)
                ? double.Parse(timing.First().Split("dur=")[1], CultureInfo.InvariantCulture)
                : double.NaN);
        }

        // A hit is a request's HTTP, JSON, tokenizing and cache work without a Run (its key is a hash of the token ids):
        // under load, what each request takes from the cores a Run could have had. Measured at the clients' concurrency,
        // where the server's threads stay busy.
        long hits = 0;
        var cpuBefore = server.CpuTime;
        var hitStarted = Stopwatch.GetTimestamp();
        var hitUntil = hitStarted + (long)(Math.Max(1, seconds / 2) * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, scenario.Clients).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < hitUntil)
            {
                using var response = await client.PostAsync(scenario.Path, scenario.Request(model, 0));
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref hits);
            }
        }));
        hitCpu = (server.CpuTime - cpuBefore).TotalMilliseconds / hits;
        hitRate = hits / Stopwatch.GetElapsedTime(hitStarted).TotalSeconds;
        latencies.RemoveAt(0);
        latencies.Sort();
        serverTimes.RemoveAt(0);
        serverTimes.Sort();
        hitP50 = Percentile(latencies, 0.5);
        hitServerP50 = Percentile(serverTimes, 0.5);
    }
    finally
    {
        Directory.Delete(models, recursive: true);
    }

    Console.WriteLine($"classify  cache hit (same text, in-process cache) p50 {hitP50,7:0.000} ms at the client, {hitServerP50:0.000} ms in the server (Server-Timing); "
        + $"at {scenario.Clients} clients {hitRate:0} req/s, {hitCpu:0.000} ms of the server's CPU each ({on.Throughput * hitCpu / 1000:0.00} cores at the classify load's {on.Throughput:0} req/s)");
    return $"classify P1 {on.Throughput / best.Value:0.00}x (HTTP@{scenario.Clients} {on.Throughput:0} ÷ raw best {best.Value:0} at batch {best.Key}; "
        + $"the clients used {on.ClientCores:0.00} of {Environment.ProcessorCount} cores, the server {on.ServerCores:0.00}); "
        + $"P2 {idle.P2:0.000} ms (idle p50 {idle.Server:0.000} − raw Run {idle.RawRun:0.000}, in turns; "
        + $"HTTP alone {idle.Http:0.000} ms with raw's threading, {idle.HttpShared:0.000} with the server's (a bare endpoint's p50 − its Run), "
        + $"the server's threading {idle.Threading:0.000} ms (the Run there − with raw's), the server's own work {idle.Own:0.000} ms (its idle p50 − that endpoint's with its threading)); "
        + $"P3 {on.Throughput / off.Throughput / rawGain:0.00} (batching on/off {on.Throughput / off.Throughput:0.00}x ÷ raw best/batch-1 {rawGain:0.00}x); P5 cache-hit p50 {hitServerP50:0.000} ms server-side ({hitP50:0.000} ms at the client)";
}

static async Task<Sent> SendAsync(HttpClient client, Scenario scenario, string model, int i)
{
    using var response = await client.PostAsync(scenario.Path, scenario.Request(model, i));
    response.EnsureSuccessStatusCode();
    return new Sent(
        int.Parse(response.Headers.GetValues("x-batch-size").First(), CultureInfo.InvariantCulture),
        double.Parse(response.Headers.GetValues("x-inference-time").First(), CultureInfo.InvariantCulture),
        double.Parse(response.Headers.GetValues("x-queue-time").First(), CultureInfo.InvariantCulture));
}

// The settings of every cache-off server the classify and image scenarios measure.
static Dictionary<string, string> ServerSettings(string models, string maxBatch) => new()
{
    ["Models__Path"] = models,
    ["Models__Defaults__MaxBatchSize"] = maxBatch,
    ["Models__Defaults__MaxQueueDelayMs"] = Environment.GetEnvironmentVariable("BENCH_DELAY_MS") ?? "0",
    ["Cache__Enabled"] = "false",

    // Throughput, not admission, is measured: on a loaded machine the expected-wait estimate refuses (429) at 32 clients.
    ["Models__Defaults__MaxQueueTimeMs"] = "60000",
};

// Steady state is measured: without a loaded warm-up the JIT's tier-1 recompilation of the hot path still ran during the
// phases after it (a fifth of the server's CPU under load in a perf profile), in the server and here.
static async Task WarmUpAsync(HttpClient client, Scenario scenario, string model, double seconds)
{
    var warmUntil = Stopwatch.GetTimestamp() + (long)(Math.Min(3, seconds / 2) * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, scenario.Clients).Select(async worker =>
    {
        for (var i = worker; Stopwatch.GetTimestamp() < warmUntil; i++)
        {
            using var response = await client.PostAsync(scenario.Path, scenario.Request(model, i));
            response.EnsureSuccessStatusCode();
        }
    }));
}

// A temp models folder with a copy of the scenario's model, and the model's name; the caller deletes the folder.
static (string Models, string Model) CopyModel(Scenario scenario)
{
    var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
    var model = Path.GetFileName(scenario.ModelFolder.TrimEnd('/'));
    CopyDirectory(scenario.ModelFolder, Path.Combine(models, model));
    return (models, model);
}

static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

static void CopyDirectory(string source, string target)
{
    Directory.CreateDirectory(target);
    foreach (var file in Directory.EnumerateFiles(source))
    {
        File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}

static string FindRepositoryRoot()
{
    for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "InferenceApi.sln")))
        {
            return directory.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

/// <summary>One server's figures; the server-side ones come from its x-inference-time and x-queue-time headers.</summary>
internal sealed record Measurement(double P50, double P99, double Throughput, double MeanBatch)
{
    /// <summary>Idle requests: the server's own timing of its batch (pack, Run, copy out), p50 in ms.</summary>
    public double IdleCompute { get; init; }

    /// <summary>Idle requests: from admission to the batch starting, p50 in ms.</summary>
    public double IdleQueue { get; init; }

    /// <summary>Under load: the mean compute time of one batch, ms.</summary>
    public double LoadedComputePerBatch { get; init; }

    /// <summary>Under load: the share of the phase the model spent computing (1 = a batch always running).</summary>
    public double LoadedBusy { get; init; }

    /// <summary>Under load: the cores the benchmark's own clients used on average (this process's CPU time ÷ the phase).</summary>
    public double ClientCores { get; init; }

    /// <summary>Under load: the cores the server process used on average.</summary>
    public double ServerCores { get; init; }
}

/// <summary>What one request's response said: the batch it joined, its compute and queue time (ms).</summary>
internal readonly record struct Sent(int Batch, double ComputeMs, double QueueMs);
