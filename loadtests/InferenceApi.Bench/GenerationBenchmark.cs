using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceApi.Bench;

/// <summary>
/// Generation figures side by side on a random-weight GPT of realistic shape (<see cref="GptBenchFolder"/>): a raw ONNX
/// Runtime KV-cache loop written for speed (<see cref="RawDecodeLoop"/>) at batch 1 and 16, against the server's
/// tokens/s at 1, 4 and 16 concurrent streams with continuous batching on (up to 32 running). Every request is the same
/// 16-token prompt and 100 greedy tokens, as every raw row is. (Batching off is not measured here: at this size, four
/// streams through one seat already wait longer than the queue allows and get 429.)
/// P4: one stream ÷ raw batch 1 (goal ≥ 0.95), 16 streams ÷ raw batch 16 (goal ≥ 0.9).
/// </summary>
internal static class GenerationBenchmark
{
    private const int Tokens = 100;
    private static readonly int[] Streams = [1, 4, 16];

    public static async Task<string> RunAsync(string serverDll, double seconds)
    {
        using var gpt = GptBenchFolder.Create();
        var shape = GptBenchFolder.Options;
        Console.WriteLine($"generate  model: random-weight GPT, {shape.Layers} layers, hidden {shape.HiddenSize}, {shape.Heads} heads, vocabulary {shape.VocabularySize}; "
            + $"prompt {gpt.PromptIds.Length} tokens, {Tokens} new tokens, greedy");
        double raw1, raw16;
        using (var raw = new RawDecodeLoop(Path.Combine(gpt.Folder, "model.onnx"), gpt.Layers))
        {
            raw1 = raw.TokensPerSecond(gpt.PromptIds, Tokens, batch: 1);
            raw16 = raw.TokensPerSecond(gpt.PromptIds, Tokens, batch: 16);
        }

        Console.WriteLine($"generate  raw ONNX Runtime KV-cache loop (IOBinding, presents bound as pasts): batch 1 {raw1,8:0} tokens/s  |  batch 16 {raw16,8:0} tokens/s");
        var aggregate = new Dictionary<int, double>();
        var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
        Copy(gpt.Folder, Path.Combine(models, "gpt"));
        try
        {
            await using var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string>
            {
                ["Models__Path"] = models,
                ["Models__Defaults__MaxBatchSize"] = "32",
                ["Cache__Enabled"] = "false",
            });
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            await GenerateAsync(client);
            foreach (var count in Streams)
            {
                long total = 0;
                var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
                var started = Stopwatch.GetTimestamp();
                await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
                {
                    // At least one whole generation per stream, however short the phase.
                    do
                    {
                        Interlocked.Add(ref total, await GenerateAsync(client));
                    }
                    while (Stopwatch.GetTimestamp() < stopAt);
                }));
                aggregate[count] = total / Stopwatch.GetElapsedTime(started).TotalSeconds;
                Console.WriteLine($"generate  server, continuous batching, {count,2} streams: {aggregate[count],8:0} tokens/s");
            }
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }

        var single = aggregate[1];
        var sixteen = aggregate[16];
        Console.WriteLine($"generate  side by side: one stream {single:0} vs raw batch 1 {raw1:0} tokens/s  |  16 streams {sixteen:0} vs raw batch 16 {raw16:0} tokens/s");
        return $"generate P4 {single / raw1:0.00}x single (server {single:0} ÷ raw b1 {raw1:0} tokens/s), {sixteen / raw16:0.00}x 16 streams (server {sixteen:0} ÷ raw b16 {raw16:0}); "
            + $"server 16 streams ÷ one stream {sixteen / single:0.00}x";
    }

    private static async Task<int> GenerateAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/generate", new { model = "gpt", prompt = GptBenchFolder.Prompt, max_new_tokens = Tokens });
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
