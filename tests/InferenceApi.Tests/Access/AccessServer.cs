using InferenceApi.Access;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Access;

/// <summary>
/// A server with access control on: the BERT fixture as "tiny-bert-cls" and a copy as "tiny-bert-2", keys for an operator
/// (every model, infer and admin), a team (tiny-bert-cls only), a metrics scraper (admin only), and what a test adds.
/// Rate-limit windows follow <see cref="Clock"/>, a fake clock 30 s into a minute, so a window never ends mid-test.
/// </summary>
public class AccessServer : IAsyncLifetime
{
    public AccessServer()
        : this([])
    {
    }

    protected AccessServer(TestKey[] extraKeys, params (string Key, string Value)[] settings)
    {
        Keys = [Operator, Team, Scraper, .. extraKeys];
        TestKey.Configure(Factory, Keys);
        foreach (var (key, value) in settings)
        {
            Factory.With(key, value);
        }

        Factory.WithServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(QuotaCounter.ClockKey, Clock);
            services.AddFakeLogging();
        });
    }

    /// <summary>A server of its own with these settings, for a test that starts and disposes it.</summary>
    public static AccessServer With(params (string Key, string Value)[] settings) => new([], settings);

    public TestKey Operator { get; } = new("ops", ["*"], Scopes: [ApiScopes.Infer, ApiScopes.Admin]);

    public TestKey Team { get; } = new("team-a", ["tiny-bert-cls"]);

    public TestKey Scraper { get; } = new("scraper", ["*"], Scopes: [ApiScopes.Admin]);

    public TestKey[] Keys { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 1, 12, 0, 30, TimeSpan.Zero));

    /// <summary>Every entry the server logged, at every level the configuration lets through, with its scopes.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => Factory.Services.GetFakeLogCollector().GetSnapshot();

    public InferenceApiFactory Factory { get; } = new();

    /// <summary>A client without a key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-2");
        Anonymous = await Factory.StartAsync();
        using var client = Operator.ClientOf(Factory);
        await InferenceApiFactory.WaitForModelAsync(client, "tiny-bert-2", m => m.GetProperty("status").GetString() == "ready");
    }

    public virtual async Task DisposeAsync()
    {
        Anonymous.Dispose();
        await Factory.DisposeAsync();
    }
}
