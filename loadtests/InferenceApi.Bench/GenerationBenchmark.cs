using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceApi.Bench;

/// <summary>
/// Generation figures side by side: single-stream decode tokens/s through the server against a raw ONNX
/// Runtime KV-cache loop, and aggregate tokens/s at 1, 4 and 16 concurrent streams with continuous batching
/// on (up to 32 running) and off (1 running).
/// </summary>
internal static class GenerationBenchmark
{
    private const int Tokens = 100;
    private static readonly int[] Streams = [1, 4, 16];

    public static async Task<string> RunAsync(string serverDll, string modelFolder, double seconds)
    {
        // "A" is one token in the fixture's vocabulary; 1 + 100 tokens fit its 128-token context.
        var raw = RawDecodeLoop.TokensPerSecond(Path.Combine(modelFolder, "model.onnx"), [65], Tokens, layers: 2);
        Console.WriteLine($"generate  raw ONNX Runtime KV-cache loop (batch 1, greedy): {raw,8:0} tokens/s");
        var aggregate = new Dictionary<(string, int), double>();
        double single = 0;
        foreach (var (label, running) in new[] { ("continuous batching on", "32"), ("continuous batching off", "1") })
        {
            var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
            Copy(modelFolder, Path.Combine(models, "gpt"));
            try
            {
                await using var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string>
                {
                    ["Models__Path"] = models,
                    ["Models__Defaults__MaxBatchSize"] = running,
                    ["Cache__Enabled"] = "false",
                });
                using var client = new HttpClient { BaseAddress = server.BaseAddress };
                await GenerateAsync(client);
                if (running == "32")
                {
                    var started = Stopwatch.GetTimestamp();
                    var produced = 0;
                    for (var i = 0; i < 5; i++)
                    {
                        produced += await GenerateAsync(client);
                    }

                    single = produced / Stopwatch.GetElapsedTime(started).TotalSeconds;
                    Console.WriteLine($"generate  server, one stream (greedy, {Tokens} tokens):        {single,8:0} tokens/s");
                }

                foreach (var streams in Streams)
                {
                    long total = 0;
                    var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
                    var started = Stopwatch.GetTimestamp();
                    await Task.WhenAll(Enumerable.Range(0, streams).Select(async _ =>
                    {
                        while (Stopwatch.GetTimestamp() < stopAt)
                        {
                            Interlocked.Add(ref total, await GenerateAsync(client));
                        }
                    }));
                    aggregate[(label, streams)] = total / Stopwatch.GetElapsedTime(started).TotalSeconds;
                    Console.WriteLine($"generate  {label,-24} {streams,2} streams: {aggregate[(label, streams)],8:0} tokens/s");
                }
            }
            finally
            {
                Directory.Delete(models, recursive: true);
            }
        }

        var ratios = Streams.Select(s => $"{s}:{aggregate[("continuous batching on", s)] / aggregate[("continuous batching off", s)]:0.00}x");
        return $"generate single-stream server/raw {single / raw:0.00}x; continuous batching on/off {string.Join(" ", ratios)}";
    }

    private static async Task<int> GenerateAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/generate", new { model = "gpt", prompt = "A", max_new_tokens = Tokens });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
    }

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }
}
