using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceApi.Bench;

/// <summary>
/// Generation figures side by side on a random-weight GPT of realistic shape (<see cref="GptBenchFolder"/>): a raw ONNX
/// Runtime KV-cache loop written for speed (<see cref="RawDecodeLoop"/>) at batch 1 and 16, against the server's
/// tokens/s at 1, 4 and 16 concurrent streams with continuous batching on (up to 32 running). Every request is the same
/// 16-token prompt and 100 greedy tokens, as every raw row is. (Batching off is not measured here: at this size, four
/// streams through one seat already wait longer than the queue allows and get 429.)
/// P4: one stream ÷ raw batch 1 (goal ≥ 0.95), 16 streams ÷ raw batch 16 (goal ≥ 0.9), 16 streams taken as the mean of
/// two phases that alternate with two on a second server with <c>OnnxRuntime:DecoderSpinning</c>, the setting for a
/// server that only generates.
/// </summary>
internal static class GenerationBenchmark
{
    private const int Tokens = 100;
    private static readonly int[] Streams = [1, 16, 4];

    public static async Task<string> RunAsync(string serverDll, double seconds)
    {
        using var gpt = GptBenchFolder.Create();
        var shape = GptBenchFolder.Options;
        Console.WriteLine($"generate  model: random-weight GPT, {shape.Layers} layers, hidden {shape.HiddenSize}, {shape.Heads} heads, vocabulary {shape.VocabularySize}; "
            + $"prompt {gpt.PromptIds.Length} tokens, {Tokens} new tokens, greedy");
        var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
        Copy(gpt.Folder, Path.Combine(models, "gpt"));
        var server = new Dictionary<int, double>();
        var raw = new Dictionary<int, double>();
        List<(double Server, double Raw)> sixteen = [], spinning = [];
        try
        {
            using var loop = new RawDecodeLoop(Path.Combine(gpt.Folder, "model.onnx"), gpt.Layers);
            await using var plainServer = await StartAsync(serverDll, models, decoderSpinning: false);
            await using var spinningServer = await StartAsync(serverDll, models, decoderSpinning: true);
            using var client = new HttpClient { BaseAddress = plainServer.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            using var spinningClient = new HttpClient { BaseAddress = spinningServer.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };

            // A loaded warm-up of each server, one generation on each of 16 streams: the first 16-row generations grow
            // the key/value sets and take fresh pages, which a measured phase should not.
            await StreamsAsync(client, 16, seconds: 0);
            await StreamsAsync(spinningClient, 16, seconds: 0);
            foreach (var count in Streams)
            {
                (server[count], raw[count]) = await PhaseAsync(client, loop, gpt.PromptIds, count, seconds, "");
            }

            // The opt-in for a server that only generates (the decoder's own pool, spinning within each step) runs on a
            // second server, idle while the first runs and the other way round. 16 streams go to each in turn, twice,
            // so neither setting gets the better minutes: a run's later 16-stream phases were 5–20 % faster than its
            // first, against the raw loop too, with the servers warmed under load and with tiered compilation off.
            const string Spinning = ", OnnxRuntime:DecoderSpinning";
            sixteen.Add((server[16], raw[16]));
            spinning.Add(await PhaseAsync(spinningClient, loop, gpt.PromptIds, 16, seconds, Spinning));
            sixteen.Add(await PhaseAsync(client, loop, gpt.PromptIds, 16, seconds, ""));
            spinning.Add(await PhaseAsync(spinningClient, loop, gpt.PromptIds, 16, seconds, Spinning));
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }

        var single = server[1];
        var (plain, plainRaw) = (sixteen.Average(p => p.Server), sixteen.Average(p => p.Raw));
        var (spun, spunRaw) = (spinning.Average(p => p.Server), spinning.Average(p => p.Raw));
        return $"generate P4 {single / raw[1]:0.00}x single (server {single:0} ÷ raw b1 {raw[1]:0} tokens/s), {plain / plainRaw:0.00}x 16 streams (server {plain:0} ÷ raw b16 {plainRaw:0}); "
            + $"server 16 streams ÷ one stream {plain / single:0.00}x; 16 streams with DecoderSpinning {spun / spunRaw:0.00}x (server {spun:0} ÷ raw b16 {spunRaw:0})";
    }

    private static Task<ServerProcess> StartAsync(string serverDll, string models, bool decoderSpinning) =>
        ServerProcess.StartAsync(serverDll, new Dictionary<string, string>
        {
            ["Models__Path"] = models,
            ["Models__Defaults__MaxBatchSize"] = "32",
            ["Cache__Enabled"] = "false",
            ["OnnxRuntime__DecoderSpinning"] = decoderSpinning ? "true" : "false",
        });

    /// <summary>
    /// The server's tokens/s at <paramref name="count"/> streams, and raw ONNX Runtime's at that batch size (none for 4).
    /// The raw loop runs just before and just after the server phase it is compared with (the server idle): on a
    /// shared machine the load drifts within minutes, and the mean of both brackets the phase.
    /// </summary>
    private static async Task<(double Server, double Raw)> PhaseAsync(HttpClient client, RawDecodeLoop loop, long[] prompt, int count, double seconds, string label)
    {
        var bracketed = count != 4;
        var before = bracketed ? loop.TokensPerSecond(prompt, Tokens, batch: count) : 0;
        var steps = await StepTotalsAsync(client);
        var server = await StreamsAsync(client, count, seconds);
        steps = (await StepTotalsAsync(client)).Minus(steps);
        var raw = 0.0;
        if (bracketed)
        {
            var after = loop.TokensPerSecond(prompt, Tokens, batch: count);
            raw = (before + after) / 2;
            Console.WriteLine($"generate  raw ONNX Runtime KV-cache loop (IOBinding, presents bound as pasts), batch {count,2}: {raw,8:0} tokens/s ({before:0} before, {after:0} after)");
        }

        Console.WriteLine($"generate  server, continuous batching, {count,2} streams{label}: {server,8:0} tokens/s "
            + $"({steps.Count:0} steps: mean batch {steps.Rows / steps.Count:0.0}, padded tokens {steps.Tokens / steps.Count:0}, {1000 * steps.Seconds / steps.Count:0.0} ms each)");
        return (server, raw);
    }

    /// <summary>The server's decode-step totals so far, from its Prometheus endpoint: steps, rows, padded tokens, seconds in the runtime.</summary>
    private static async Task<StepTotals> StepTotalsAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/metrics");
        double Sum(string name) => text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains("model=\"gpt\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        return new StepTotals(Sum("inference_batch_size_count"), Sum("inference_batch_size_sum"), Sum("inference_batch_tokens_sum"), Sum("inference_compute_duration_seconds_sum"));
    }

    /// <summary>Aggregate tokens/s of <paramref name="count"/> closed-loop streams for <paramref name="seconds"/>, each finishing at least one generation.</summary>
    private static async Task<double> StreamsAsync(HttpClient client, int count, double seconds)
    {
        long total = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            do
            {
                Interlocked.Add(ref total, await GenerateAsync(client));
            }
            while (Stopwatch.GetTimestamp() < stopAt);
        }));
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
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
