using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using InferenceApi.Bench;

// Usage: dotnet run -c Release --project loadtests/InferenceApi.Bench -- [model folder] [seconds per phase]
// Starts the real server (a child process on loopback) twice, batching on and off, with the cache off, and
// measures the idle latency of one classify and the throughput of 32 concurrent clients in each.
var repositoryRoot = FindRepositoryRoot();
var modelFolder = Path.GetFullPath(args.Length > 0 && args[0].Length > 0 ? args[0] : Path.Combine(repositoryRoot, "..", "shared", "fixtures", "onnx", "tiny-bert-cls"));
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var serverDll = Path.Combine(AppContext.BaseDirectory, "server", "InferenceApi.dll");
if (!File.Exists(serverDll))
{
    serverDll = Directory.EnumerateFiles(Path.Combine(repositoryRoot, "src", "InferenceApi", "bin"), "InferenceApi.dll", SearchOption.AllDirectories)
        .Where(p => p.Contains("Release", StringComparison.Ordinal)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
        ?? throw new FileNotFoundException("Build the server first: dotnet build -c Release src/InferenceApi");
}

var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
var modelName = Path.GetFileName(modelFolder.TrimEnd('/'));
CopyDirectory(modelFolder, Path.Combine(models, modelName));
string[] texts =
[
    "The movie was great!", "I hated this film, really boring.", "It is a film.",
    "the plot was not very good and the acting was awful", "a wonderful story and i loved the acting",
    "this was a terrible and boring film", "really fun", "the story was good but the plot was not",
];

Console.WriteLine($"Model {modelName} from {modelFolder}; {Environment.ProcessorCount} cores; {seconds} s per phase; cache off");
var results = new Dictionary<string, (double P50, double P99, double Throughput, double MeanBatch)>();
foreach (var (label, maxBatch) in new[] { ("batching on", "32"), ("batching off", "1") })
{
    await using var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string>
    {
        ["Models__Path"] = models,
        ["Models__Defaults__MaxBatchSize"] = maxBatch,
        ["Models__Defaults__MaxQueueDelayMs"] = Environment.GetEnvironmentVariable("BENCH_DELAY_MS") ?? "0",
        ["Cache__Enabled"] = "false",
    });
    using var client = new HttpClient { BaseAddress = server.BaseAddress };
    await Classify(client, modelName, texts[0]);

    var latencies = new List<double>();
    var idleUntil = Stopwatch.StartNew();
    while (idleUntil.Elapsed.TotalSeconds < Math.Min(5, seconds / 2) || latencies.Count < 50)
    {
        var start = Stopwatch.GetTimestamp();
        await Classify(client, modelName, texts[latencies.Count % texts.Length]);
        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    latencies.Sort();
    var (count, batchSum) = await Saturate(client, modelName, texts, clients: 32, TimeSpan.FromSeconds(seconds));
    results[label] = (Percentile(latencies, 0.50), Percentile(latencies, 0.99), count / seconds, batchSum / (double)count);
    Console.WriteLine($"{label,-13} idle p50 {results[label].P50,7:0.000} ms  p99 {results[label].P99,7:0.000} ms  |  32 clients: {results[label].Throughput,8:0} req/s, mean batch {results[label].MeanBatch:0.0}");
}

Directory.Delete(models, recursive: true);
var on = results["batching on"];
var off = results["batching off"];
Console.WriteLine($"RATIOS classify@32 batching on/off throughput {on.Throughput / off.Throughput:0.00}x; idle p50 {on.P50:0.000} ms (on) vs {off.P50:0.000} ms (off)");

static async Task Classify(HttpClient client, string model, string text)
{
    using var response = await client.PostAsJsonAsync("/v1/classify", new { model, inputs = text });
    response.EnsureSuccessStatusCode();
}

static async Task<(long Count, long BatchSum)> Saturate(HttpClient client, string model, string[] texts, int clients, TimeSpan duration)
{
    long count = 0, batchSum = 0;
    var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var workers = Enumerable.Range(0, clients).Select(async worker =>
    {
        var i = worker;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            using var response = await client.PostAsJsonAsync("/v1/classify", new { model, inputs = texts[i++ % texts.Length] });
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref count);
            Interlocked.Add(ref batchSum, int.Parse(response.Headers.GetValues("x-batch-size").First(), CultureInfo.InvariantCulture));
        }
    });
    await Task.WhenAll(workers);
    return (count, batchSum);
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
