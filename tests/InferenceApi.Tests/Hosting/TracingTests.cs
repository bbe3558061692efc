using System.Diagnostics;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Hosting;
using InferenceApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace InferenceApi.Tests.Hosting;

/// <summary>
/// OpenTelemetry traces as a collector receives them (an in-memory exporter beside the OTLP one): the span tree of a
/// classification and of a streamed generation under the load balancer's <c>traceparent</c>, and the trace id in the
/// request log line, with tracing on and off.
/// </summary>
public sealed class TracingTests
{
    private static readonly ActivityTraceId Trace = ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c");
    private static readonly ActivitySpanId BalancerSpan = ActivitySpanId.CreateFromString("b7ad6b7169203331");

    [Fact]
    public async Task Classify_UnderATraceparent_RequestSpanHoldsTokenizeCacheLookupAndQueueAndTheBatchLinksToIt()
    {
        var spans = new List<Activity>();
        using var factory = TracedServer(spans);
        var client = await factory.StartAsync();

        using var response = await SendAsync(client, "/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "a fine day", "rain again" } });
        response.EnsureSuccessStatusCode();

        var request = await RequestSpanAsync(spans, "/v1/classify");
        Assert.Equal(Trace, request.TraceId);
        Assert.Equal(BalancerSpan, request.ParentSpanId);
        var children = ChildrenOf(spans, request);
        Assert.Equal(["cache lookup", "cache lookup", "queue", "queue", "tokenize"], children.Select(s => s.DisplayName).Order());
        Assert.All(children.Where(s => s.DisplayName == "cache lookup"), lookup => Assert.Equal(false, lookup.GetTagItem("cache.hit")));
        Assert.Equal(2, children.Single(s => s.DisplayName == "tokenize").GetTagItem("inference.inputs"));

        // The batch is its own trace, linked to each request it served (here both inputs of this one).
        var batches = Snapshot(spans).Where(s => s.DisplayName == "batch" && s.Links.Any(l => l.Context.SpanId == request.SpanId)).ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, batch =>
        {
            Assert.NotEqual(Trace, batch.TraceId);
            Assert.Equal(default, batch.ParentSpanId);
            Assert.Equal("tiny-bert-cls", batch.GetTagItem("inference.model"));
            Assert.True((int)batch.GetTagItem("inference.padded_tokens")! > 0);
        });
        Assert.Equal(2, batches.Sum(b => (int)b.GetTagItem("inference.batch_size")!));
        Assert.All(children.Where(s => s.DisplayName == "queue"), queue => Assert.True(queue.Duration >= TimeSpan.Zero));
    }

    [Fact]
    public async Task Classify_Again_TheCacheLookupSaysHitAndNothingQueues()
    {
        var spans = new List<Activity>();
        using var factory = TracedServer(spans);
        var client = await factory.StartAsync();
        (await SendAsync(client, "/v1/classify", new { model = "tiny-bert-cls", inputs = "cached twice" })).Dispose();
        await RequestSpanAsync(spans, "/v1/classify");
        lock (spans)
        {
            spans.Clear();
        }

        using var response = await SendAsync(client, "/v1/classify", new { model = "tiny-bert-cls", inputs = "cached twice" });
        response.EnsureSuccessStatusCode();

        var request = await RequestSpanAsync(spans, "/v1/classify");
        var children = ChildrenOf(spans, request);
        Assert.Equal(["cache lookup", "tokenize"], children.Select(s => s.DisplayName).Order());
        var lookup = children.Single(s => s.DisplayName == "cache lookup");
        Assert.Equal(true, lookup.GetTagItem("cache.hit"));
        Assert.Equal("memory", lookup.GetTagItem("cache.tier"));
    }

    [Fact]
    public async Task Classify_WithRedis_TheLookupHoldsARedisGetAndTheWriteIsARedisSetInTheSameTrace()
    {
        using var redis = await RedisServerFixture.StartAsync();
        var spans = new List<Activity>();
        using var factory = TracedServer(spans);
        factory.With("Cache:RedisConnectionString", redis.ConnectionString);
        var client = await factory.StartAsync();

        // The connection is made in the background at start; until it is, lookups skip Redis, and a write ends after
        // its response. Each try sends a new text; any request whose lookup went to Redis and whose write followed will do.
        Activity? get = null, set = null;
        var attempt = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await SendAsync(client, "/v1/classify", new { model = "tiny-bert-cls", inputs = $"redis try {attempt++}" });
                response.EnsureSuccessStatusCode();
                await RequestSpanAsync(spans, "/v1/classify");
                foreach (var request in Snapshot(spans).Where(s => s.Kind == ActivityKind.Server && s.TraceId == Trace))
                {
                    var lookup = ChildrenOf(spans, request).SingleOrDefault(s => s.DisplayName == "cache lookup");
                    get = lookup is null ? null : ChildrenOf(spans, lookup).SingleOrDefault(s => s.DisplayName == "redis GET");
                    set = ChildrenOf(spans, request).SingleOrDefault(s => s.DisplayName == "redis SET");
                    if (get is not null && set is not null)
                    {
                        return true;
                    }
                }

                return false;
            },
            TimeSpan.FromSeconds(20),
            () => $"no redis GET and SET in one trace after {attempt} requests");

        Assert.Equal(ActivityKind.Client, get!.Kind);
        Assert.Equal("redis", get.GetTagItem("db.system.name"));
        Assert.Equal("GET", get.GetTagItem("db.operation.name"));
        Assert.Equal(ActivityStatusCode.Unset, get.Status);
        Assert.Equal(Trace, set!.TraceId);
    }

    [Fact]
    public async Task GenerateStream_UnderATraceparent_RequestSpanHoldsTokenizeQueueAndGenerateAndSampledStepsLinkToIt()
    {
        var spans = new List<Activity>();
        using var factory = TracedServer(spans);
        var client = await factory.StartAsync();

        using var response = await SendAsync(client, "/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = 20, stream = true });
        response.EnsureSuccessStatusCode();
        Assert.Contains("event: end", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var request = await RequestSpanAsync(spans, "/v1/generate");
        Assert.Equal(Trace, request.TraceId);
        var children = ChildrenOf(spans, request);
        Assert.Contains("tokenize", children.Select(s => s.DisplayName));
        var queue = children.Single(s => s.DisplayName == "queue");
        var generate = children.Single(s => s.DisplayName == "generate");
        Assert.True(generate.StartTimeUtc >= queue.StartTimeUtc, "generating starts after the request queued");
        Assert.True(generate.StartTimeUtc + generate.Duration >= queue.StartTimeUtc + queue.Duration, "generating ends after the wait");
        Assert.Equal(ActivityStatusCode.Unset, generate.Status);

        // 20 tokens are 20 steps: the prefill step (a sequence joins) and one in every DecodeStepSampleInterval are traced.
        var steps = Snapshot(spans).Where(s => s.DisplayName == "decode step" && s.Links.Any(l => l.Context.SpanId == request.SpanId)).ToList();
        Assert.InRange(steps.Count, 1, 1 + (20 / InferenceTracing.DecodeStepSampleInterval) + 1);
        Assert.Contains(steps, s => (int)s.GetTagItem("inference.joining")! == 1);
        Assert.All(steps, s => Assert.NotEqual(Trace, s.TraceId));
    }

    [Fact]
    public async Task RequestLog_WithTracingOnOrOff_CarriesTheTraceparentsTraceId()
    {
        foreach (var traced in new[] { true, false })
        {
            using var factory = traced ? TracedServer([]) : new InferenceApiFactory();
            factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
            factory.With("Logging:LogLevel:" + LogOptions.RequestCategory, "Debug");
            using var logged = factory.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddFakeLogging()));
            var client = logged.CreateClient();
            await WaitReadyAsync(client);

            using var response = await SendAsync(client, "/v1/classify", new { model = "tiny-bert-cls", inputs = "logged" });
            response.EnsureSuccessStatusCode();

            var logs = logged.Services.GetFakeLogCollector();
            await Eventually.TrueAsync(
                () => Task.FromResult(logs.GetSnapshot().Any(IsClassifyLine)),
                TimeSpan.FromSeconds(10),
                () => $"no request log line for /v1/classify (traced: {traced}); logged: {string.Join(" | ", logs.GetSnapshot().Select(e => e.Message))}");
            var line = logs.GetSnapshot().First(IsClassifyLine);
            Assert.Equal(Trace.ToHexString(), line.StructuredState!.Single(p => p.Key == "TraceId").Value);
        }
    }

    [Fact]
    public void Start_WithoutAnEndpoint_RegistersNoTracer()
    {
        using var factory = new InferenceApiFactory();

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    /// <remarks>
    /// A plain web host with the server's tracing registration, not <see cref="InferenceApiFactory"/>: when start fails,
    /// WebApplicationFactory's deferred host can read the already disposed provider and throw ObjectDisposedException
    /// instead of the validation error (dotnet/aspnetcore#33494).
    /// </remarks>
    [Fact]
    public async Task Start_SampleRatioAboveOne_FailsNamingTheSetting()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("Tracing:SampleRatio", (string?)"1.5")]);
        builder.AddInferenceTracing();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Tracing:SampleRatio", error.Message, StringComparison.Ordinal);
        Assert.Contains("1.5", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A server whose tracing is on the way a user turns it on (an OTLP endpoint: a closed loopback port, so the OTLP
    /// exporter's sends fail quietly) with an in-memory exporter added to the same tracer.
    /// </summary>
    private static InferenceApiFactory TracedServer(List<Activity> spans)
    {
        var factory = new TracingFactory(spans);
        factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
        return factory;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("traceparent", $"00-{Trace.ToHexString()}-{BalancerSpan.ToHexString()}-01");
        return client.SendAsync(request);
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await client.GetAsync("/health/ready");
                return ready.IsSuccessStatusCode;
            },
            TimeSpan.FromSeconds(60),
            () => "the server did not become ready");
    }

    /// <summary>The server span of the request to <paramref name="path"/>: it ends after the response is sent, so wait for it.</summary>
    private static async Task<Activity> RequestSpanAsync(List<Activity> spans, string path)
    {
        Activity? found = null;
        await Eventually.TrueAsync(
            () =>
            {
                // The tracer listens process-wide, so servers of other test classes running meanwhile are traced too.
                found = Snapshot(spans).FirstOrDefault(s => s.Kind == ActivityKind.Server && s.TraceId == Trace && s.GetTagItem("url.path") as string == path);
                return Task.FromResult(found is not null);
            },
            TimeSpan.FromSeconds(10),
            () => $"no server span for {path}; spans: {string.Join(", ", Snapshot(spans).Select(s => s.DisplayName))}");
        return found!;
    }

    private static List<Activity> ChildrenOf(List<Activity> spans, Activity parent) =>
        Snapshot(spans).Where(s => s.TraceId == parent.TraceId && s.ParentSpanId == parent.SpanId).ToList();

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    /// <summary>The request log's line (not ASP.NET Core's own hosting events) for the classify call.</summary>
    private static bool IsClassifyLine(FakeLogRecord e) =>
        e.Category == LogOptions.RequestCategory && e.Message.Contains("/v1/classify", StringComparison.Ordinal);

    /// <summary>
    /// Turns tracing on through host configuration, which Program.cs sees while it registers services (the factory's
    /// app configuration arrives only when the host is built), and adds the in-memory exporter to the server's own
    /// tracer; the list is locked because spans end on many threads.
    /// </summary>
    private sealed class TracingFactory(List<Activity> spans) : InferenceApiFactory
    {
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostConfiguration(host => host.AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:OtlpEndpoint"] = "http://127.0.0.1:9" }));
            return base.CreateHost(builder);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(new LockedExporter(spans)))));
        }
    }

    private sealed class LockedExporter(List<Activity> spans) : OpenTelemetry.BaseExporter<Activity>
    {
        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var activity in batch)
                {
                    spans.Add(activity);
                }
            }

            return OpenTelemetry.ExportResult.Success;
        }
    }
}
