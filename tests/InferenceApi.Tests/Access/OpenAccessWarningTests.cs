using InferenceApi.Access;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace InferenceApi.Tests.Access;

public sealed class OpenAccessWarningTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080", true)]
    [InlineData("http://[::]:8080", true)]
    [InlineData("http://+:8080", true)]
    [InlineData("http://*:8080", true)]
    [InlineData("http://10.1.2.3:8080", true)]
    [InlineData("http://my-host:8080", true)]
    [InlineData("http://localhost:8080", false)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://127.3.4.5:5000", false)]
    [InlineData("http://[::1]:5000", false)]
    public void IsReachableFromOthers_Address_TellsLoopbackFromTheRest(string address, bool reachable) =>
        Assert.Equal(reachable, OpenAccessWarning.IsReachableFromOthers(address));

    [Theory]
    [InlineData(false, "http://0.0.0.0:8080", 1)]
    [InlineData(false, "http://127.0.0.1:8080", 0)]
    [InlineData(true, "http://0.0.0.0:8080", 0)]
    public async Task Started_AuthOffOnAnOpenAddress_WarnsOnce(bool keys, string address, int warnings)
    {
        using var folder = new TempDirectory();
        var options = new AuthOptions { Keys = keys ? [new TestKey("a", ["*"]).Entry] : [] };
        using var store = AccessUnits.Store(options, folder.Path, TimeProvider.System);
        using var lifetime = new StartedLifetime();
        var log = new FakeLogger<OpenAccessWarning>();

        await new OpenAccessWarning(new ListeningServer(address), store, lifetime, log).StartAsync(CancellationToken.None);
        lifetime.Start();

        var logged = log.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();
        Assert.Equal(warnings, logged.Count);
        Assert.All(logged, r => Assert.Contains(address, r.Message));
    }

    private sealed class ListeningServer : IServer
    {
        public ListeningServer(string address)
        {
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add(address);
            Features.Set<IServerAddressesFeature>(addresses);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed class StartedLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => _started.Dispose();
    }
}
