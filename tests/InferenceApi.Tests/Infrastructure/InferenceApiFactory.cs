using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// The real server in-process, over a model repository folder of its own. Settings are the server's
/// configuration keys ("Models:Defaults:MaxBatchSize"); defaults here make hot reload quick.
/// </summary>
public partial class InferenceApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Models:PollIntervalMs"] = "100",
        ["Models:Defaults:IntraOpThreads"] = "1",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private readonly List<Action<IServiceCollection>> _services = [];

    public InferenceApiFactory()
    {
        _settings["Models:Path"] = Models.Path;
    }

    public TempDirectory Models { get; } = new();

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public InferenceApiFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Runs the server on <paramref name="clock"/> instead of the system clock: queue delays, deadlines and the times
    /// in the response headers then move only when the test moves it.
    /// </summary>
    public InferenceApiFactory WithClock(TimeProvider clock) => WithServices(services => services.AddSingleton(clock));

    /// <summary>Replaces or adds services after the server's own (a fake clock, a fault to inject, a log collector).</summary>
    public InferenceApiFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Copies a fixture model folder into the repository as <paramref name="name"/> (flat, or as a numbered version).</summary>
    public string AddModel(string fixtureFolder, string name, long? version = null)
    {
        var target = version is { } v ? System.IO.Path.Combine(Models.Path, name, v.ToString(System.Globalization.CultureInfo.InvariantCulture)) : System.IO.Path.Combine(Models.Path, name);
        CopyDirectory(fixtureFolder, target);
        return target;
    }

    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var destination = System.IO.Path.Combine(target, System.IO.Path.GetFileName(file));
            File.Copy(file, destination, overwrite: true);
            File.SetAttributes(destination, FileAttributes.Normal);
        }
    }

    /// <summary>Starts the server and waits until every model has loaded (ready or refused).</summary>
    /// <param name="baseAddress">Where a real Kestrel server listens; none for the in-process test server.</param>
    public async Task<HttpClient> StartAsync(Uri? baseAddress = null)
    {
        _ = Services;
        var checks = new List<DelegatingHandler>();
        AddResponseChecks(checks);
        var client = baseAddress is null ? CreateDefaultClient([.. checks]) : new HttpClient(Chain(checks, new SocketsHttpHandler())) { BaseAddress = baseAddress };
        await WaitUntilReadyAsync(client);
        return client;
    }

    /// <summary>Polls <c>/health/ready</c> until every model has loaded (ready or refused).</summary>
    public static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The server was not ready after 60 s: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Polls <c>GET /v1/models/{name}</c> until <paramref name="condition"/> holds for its JSON.</summary>
    public static async Task<JsonElement> WaitForModelAsync(HttpClient client, string name, Func<JsonElement, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync($"/v1/models/{name}");
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Model {name} did not reach the expected state; last seen: {last}");
    }

    /// <summary>Handlers that look at every answer a client of <see cref="StartAsync"/> receives; a test project adds its own checks here.</summary>
    static partial void AddResponseChecks(List<DelegatingHandler> checks);

    private static HttpMessageHandler Chain(List<DelegatingHandler> handlers, HttpMessageHandler last)
    {
        foreach (var handler in Enumerable.Reverse(handlers))
        {
            handler.InnerHandler = last;
            last = handler;
        }

        return last;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services => _services.ForEach(configure => configure(services)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Models.Dispose();
        }
    }
}
