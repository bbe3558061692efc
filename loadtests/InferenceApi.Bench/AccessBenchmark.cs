using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace InferenceApi.Bench;

/// <summary>
/// What access control costs per request, side by side on the cheapest model route (<c>/v1/tokenize</c>: no queue, no
/// model run): no keys; a key without limits (hash and constant-time lookup); a key with a requests-per-minute limit
/// counted in process; the same counted in a real redis-server (one Lua script per request), when redis-server is
/// installed. Two rounds in alternating order; each configuration's better round is kept, as the machine is shared.
/// </summary>
internal static class AccessBenchmark
{
    private const int Clients = 16;

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

        var best = configurations.ToDictionary(c => c.Label, _ => (Throughput: 0.0, P50: double.MaxValue));
        foreach (var round in new[] { configurations, Enumerable.Reverse(configurations).ToList() })
        {
            foreach (var (label, settings, apiKey) in round)
            {
                var (throughput, p50) = await MeasureAsync(serverDll, modelFolder, settings, apiKey, seconds);
                best[label] = (Math.Max(best[label].Throughput, throughput), Math.Min(best[label].P50, p50));
            }
        }

        var off = best["auth off"];
        foreach (var (label, _, _) in configurations)
        {
            var m = best[label];
            Console.WriteLine($"tokenize  {label,-24} idle p50 {m.P50,7:0.000} ms  |  {Clients} clients: {m.Throughput,8:0} req/s  ({m.Throughput / off.Throughput:0.00}x of auth off)");
        }

        return "tokenize auth on/off " + string.Join(", ", configurations.Skip(1).Select(c => $"{c.Label} {best[c.Label].Throughput / off.Throughput:0.00}x"));
    }

    private static async Task<(double Throughput, double P50)> MeasureAsync(string serverDll, string modelFolder, Dictionary<string, string> settings, string? key, double seconds)
    {
        var models = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(models, "bert"));
        foreach (var file in Directory.EnumerateFiles(modelFolder))
        {
            File.Copy(file, Path.Combine(models, "bert", Path.GetFileName(file)));
        }

        try
        {
            await using var server = await ServerProcess.StartAsync(serverDll, new Dictionary<string, string>(settings) { ["Models__Path"] = models, ["Cache__Enabled"] = "false" });
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            if (key is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            for (var i = 0; i < 200; i++)
            {
                await SendAsync(client);
            }

            var latencies = new List<double>();
            for (var i = 0; i < 500; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(client);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            latencies.Sort();
            long count = 0;
            var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
            {
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    await SendAsync(client);
                    Interlocked.Increment(ref count);
                }
            }));
            return (count / seconds, latencies[latencies.Count / 2]);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
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

            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var process = Process.Start(new ProcessStartInfo(path, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
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
