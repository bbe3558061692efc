using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace InferenceApi.Bench;

/// <summary>
/// What access control costs per request on the cheapest model route (<c>/v1/tokenize</c>: no queue, no model run): no
/// keys; a key without limits (hash and constant-time lookup); a key with a requests-per-minute limit counted in process;
/// the same counted in a real redis-server (one Lua script per request), when redis-server is installed. The servers of
/// all configurations run at once and are measured in turns (one request each for the idle latency, short slices of 16
/// clients for throughput, the order rotated every round), so a machine whose load changes during the run (it is shared)
/// weighs on every configuration alike; each ratio is the median of the per-round ratios to "auth off".
/// </summary>
internal static class AccessBenchmark
{
    private const int Clients = 16;
    private const int IdleRequests = 400;
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(500);

    public static async Task<string> RunAsync(string serverDll, string modelFolder, double seconds)
    {
        var key = "iak_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var keyed = new Dictionary<string, string> { ["Auth__Keys__0__Name"] = "bench", ["Auth__Keys__0__Sha256"] = hash, ["Auth__Keys__0__Models__0"] = "*" };
        var limited = new Dictionary<string, string>(keyed) { ["Auth__Keys__0__RequestsPerMinute"] = "100000000" };
        var configurations = new List<(string Label, Dictionary<string, string> Settings, string? Key)>
        {
            ("auth off", [], null),
            ("key, no limits", keyed, key),
            ("key + rpm, in process", limited, key),
        };

        using var redis = RedisProcess.TryStart();
        if (redis is not null)
        {
            configurations.Add(("key + rpm, in Redis", new Dictionary<string, string>(limited) { ["Cache__RedisConnectionString"] = redis.ConnectionString }, key));
        }

        var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(models, "bert"));
        foreach (var file in Directory.EnumerateFiles(modelFolder))
        {
            File.Copy(file, Path.Combine(models, "bert", Path.GetFileName(file)));
        }

        var servers = new List<ServerProcess>();
        var clients = new List<HttpClient>();
        try
        {
            foreach (var (_, settings, apiKey) in configurations)
            {
                var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string>(settings) { ["Models__Path"] = models, ["Cache__Enabled"] = "false" });
                servers.Add(server);
                var client = new HttpClient { BaseAddress = server.BaseAddress };
                if (apiKey is not null)
                {
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                }

                clients.Add(client);
                for (var i = 0; i < 200; i++)
                {
                    await SendAsync(client);
                }
            }

            var latencies = clients.Select(_ => new List<double>(IdleRequests)).ToList();
            for (var i = 0; i < IdleRequests; i++)
            {
                for (var c = 0; c < clients.Count; c++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await SendAsync(clients[c]);
                    latencies[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            var rounds = Math.Max(4, (int)Math.Ceiling(seconds / Slice.TotalSeconds));
            var counts = clients.Select(_ => 0L).ToArray();
            var ratios = clients.Select(_ => new List<double>(rounds)).ToList();
            for (var round = 0; round < rounds; round++)
            {
                var throughput = new double[clients.Count];
                for (var step = 0; step < clients.Count; step++)
                {
                    var c = (round + step) % clients.Count;
                    var sent = await ThroughputAsync(clients[c]);
                    counts[c] += sent;
                    throughput[c] = sent / Slice.TotalSeconds;
                }

                for (var c = 0; c < clients.Count; c++)
                {
                    ratios[c].Add(throughput[c] / throughput[0]);
                }
            }

            var summary = new List<string>();
            for (var c = 0; c < clients.Count; c++)
            {
                var label = configurations[c].Label;
                var ratio = Median(ratios[c]);
                var p50 = Median(latencies[c]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"tokenize  {label,-24} idle p50 {p50,7:0.000} ms ({p50 - Median(latencies[0]):+0.000;-0.000} ms)  |  {Clients} clients: {counts[c] / (rounds * Slice.TotalSeconds),8:0} req/s  ({ratio:0.00}x of auth off, median of {rounds} rounds)"));
                if (c > 0)
                {
                    summary.Add(string.Create(CultureInfo.InvariantCulture, $"{label} {ratio:0.00}x"));
                }
            }

            return "tokenize auth on/off " + string.Join(", ", summary);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            Directory.Delete(models, recursive: true);
        }
    }

    /// <summary>Requests answered by <see cref="Clients"/> concurrent clients in one slice.</summary>
    private static async Task<long> ThroughputAsync(HttpClient client)
    {
        long count = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(Slice.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                await SendAsync(client);
                Interlocked.Increment(ref count);
            }
        }));
        return count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task SendAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/tokenize", new { model = "bert", inputs = "The movie was great!" });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A redis-server on a free loopback port, persistence off, for the Redis configuration; null when it is not installed.</summary>
    private sealed class RedisProcess : IDisposable
    {
        private readonly Process _process;

        private RedisProcess(Process process, int port)
        {
            _process = process;
            ConnectionString = $"127.0.0.1:{port}";
        }

        public string ConnectionString { get; }

        public static RedisProcess? TryStart()
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
            if (path is null)
            {
                Console.WriteLine("tokenize  redis-server not installed: the Redis configuration is skipped");
                return null;
            }

            var port = ServerProcess.FreePort();
            var process = Process.Start(new ProcessStartInfo(path, ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
            })!;
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var probe = new TcpClient("127.0.0.1", port);
                    return new RedisProcess(process, port);
                }
                catch (SocketException)
                {
                    Thread.Sleep(50);
                }
            }

            process.Kill();
            throw new InvalidOperationException("redis-server did not start.");
        }

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
