using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port, started as a child process with persistence off.
/// Use it as an xunit class fixture, or start a private one with <see cref="StartAsync"/> in tests that
/// <see cref="Kill"/> or <see cref="Restart"/> it. Fails (never skips) when redis-server is not installed.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private const int MaxOutputLines = 50;

    private readonly Queue<string> _output = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private string? _executable;

    /// <summary>The loopback port the server listens on; it stays the same across <see cref="Restart"/>.</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    /// <summary>Starts a private server, for a test that kills or restarts it.</summary>
    public static async Task<RedisServerFixture> StartAsync()
    {
        var fixture = new RedisServerFixture();
        try
        {
            await fixture.InitializeAsync();
            return fixture;
        }
        catch
        {
            fixture.Dispose();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        _executable = FindRedisServer();

        // The free port can be taken between probing and redis binding it: try a few.
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FindFreePort();
            try
            {
                await StartProcessAsync();
                return;
            }
            catch (InvalidOperationException ex)
            {
                lastFailure = ex;
                KillProcess();
            }
        }

        throw lastFailure!;
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public void Kill() => KillProcess();

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open but nothing answers, as with a hung or
    /// overloaded Redis. <see cref="Resume"/> undoes it.
    /// </summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    /// <summary>Kills the server if running and starts a new, empty one on the same port.</summary>
    public async Task Restart()
    {
        KillProcess();
        await StartProcessAsync();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => KillProcess();

    private static string FindRedisServer()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("REDIS_SERVER");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server was not found on PATH (or in the REDIS_SERVER environment variable). The Redis tests run against a real " +
            "server: install it (Debian/Ubuntu: apt-get install -y redis-server; .ci/run does this in CI) and run the tests again.");
    }

    private static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task StartProcessAsync()
    {
        var startInfo = new ProcessStartInfo(_executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--bind", "127.0.0.1",
                     "--save", "",
                     "--appendonly", "no",
                     "--daemonize", "no",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
        {
            _process = process;
        }

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited with code {process.ExitCode} while starting on port {Port}. Its output:{Environment.NewLine}{RecentOutput()}");
            }

            if (await AnswersPingAsync(Port, process.Id))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException(
            $"redis-server did not answer PING on port {Port} within {StartTimeout.TotalSeconds} s. Its output:{Environment.NewLine}{RecentOutput()}");
    }

    /// <summary>
    /// PINGs the port and checks, with INFO, that the server answering is our process: when a parallel test's
    /// server holds the port, ours fails to bind, and that other server must not be mistaken for it.
    /// </summary>
    private static async Task<bool> AnswersPingAsync(int port, int processId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\nINFO server\r\n"u8.ToArray(), timeout.Token);

            var received = new StringBuilder();
            var buffer = new byte[4096];
            var expected = $"process_id:{processId}\r\n";
            while (received.Length < 64 * 1024)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return false;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                var text = received.ToString();
                if (text.Contains("process_id:", StringComparison.Ordinal) && text.EndsWith("\r\n", StringComparison.Ordinal))
                {
                    return text.StartsWith("+PONG\r\n", StringComparison.Ordinal) && text.Contains(expected, StringComparison.Ordinal);
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private void KillProcess()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }

        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            process.Dispose();
        }
    }

    private void Signal(string signal)
    {
        int pid;
        lock (_gate)
        {
            pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        }

        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} exited with code {kill.ExitCode}.");
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private string RecentOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }
}
