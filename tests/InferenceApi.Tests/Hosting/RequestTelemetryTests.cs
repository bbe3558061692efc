using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using InferenceApi.Contracts;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Hosting;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Hosting;

/// <summary>
/// Each kind of answer, over HTTP, as the request metric and the request log report it: the status the client received
/// (not the 200 a response holds before the exception handler writes it), at the level its kind deserves, with a stack
/// trace only on the one Error line of a real failure. The server runs on a fake clock, so a request is slow only when
/// the test moves the clock.
/// </summary>
public sealed class RequestTelemetryTests : SingleModelServer
{
    private readonly FakeTimeProvider _clock = new();

    public RequestTelemetryTests()
        : base(
            ("Models:Defaults:MaxQueueDelayMs", "1500"),
            ("Models:Defaults:MaxQueueTimeMs", "10000"),
            ("Models:Defaults:MaxBatchSize", "64"),
            ("Cache:Enabled", "false"),
            ("Logging:SlowRequestMs", "1000"),
            ("Logging:LogLevel:" + LogOptions.RequestCategory, "Debug")) =>
        Factory.WithClock(_clock).WithServices(services =>
        {
            services.AddFakeLogging();

            // A body type whose reading fails with an exception nobody expects stands for any bug in a handler.
            services.ConfigureHttpJsonOptions(options =>
            {
                var json = options.SerializerOptions;
                json.TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(FailDetokenizeReading);
            });
        });

    private FakeLogCollector Logs => Factory.Services.GetFakeLogCollector();

    [Fact]
    public async Task Telemetry_MalformedJson_CountsAndLogs400AtInformationWithoutStackTrace()
    {
        var (status, line) = await SendAsync("/v1/classify", () => Client.PostAsync("/v1/classify", Json("{\"model\": \"tiny-bert-cls\", \"inputs\": [")));

        AssertAnsweredQuietly(400, status, line);
        Assert.Contains("responded 400", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telemetry_WrongMediaType_CountsAndLogs415AtInformation()
    {
        // The route refuses the media type while matching, so no route pattern took the request.
        var (status, line) = await SendAsync("unmatched", () => Client.PostAsync("/v1/classify", new StringContent("tiny-bert-cls", Encoding.UTF8, "text/plain")));

        AssertAnsweredQuietly(415, status, line);
    }

    [Fact]
    public async Task Telemetry_UnhandledException_CountsAndLogs500AsTheOneErrorWithItsStackTrace()
    {
        HttpResponseMessage? answer = null;
        var (status, line) = await SendAsync("/v1/detokenize", async () => answer = await Client.PostJsonAsync("/v1/detokenize", new { model = "tiny-bert-cls", ids = new[] { new[] { 101 } } }));

        using (answer)
        {
            await answer!.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal");
        }

        Assert.Equal(500, status);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.IsType<InvalidOperationException>(line.Exception);
        Assert.Equal([line], Errors());
    }

    [Fact]
    public async Task Telemetry_ClientLeavesWhileQueued_Counts499AndLogsItAtInformation()
    {
        using var leave = new CancellationTokenSource();
        var (status, line) = await SendAsync("/v1/classify", async () =>
        {
            // A lone request waits in the queue for company until the clock moves, which it does not here: the client leaves first.
            var classifying = Client.PostAsJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "left" }, InferenceApiFactory.Json, leave.Token);
            await WaitForQueueDepthAsync(1);
            await leave.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => classifying.WaitAsync(TimeSpan.FromSeconds(30)));
        });

        AssertAnsweredQuietly(499, status, line);
    }

    [Fact]
    public async Task Telemetry_QuickSuccess_CountsTheModelAndLogsAtDebug()
    {
        var (status, line) = await SendAsync("/v1/tokenize", () => Client.PostJsonAsync("/v1/tokenize", new { model = "tiny-bert-cls", inputs = "hello" }));

        Assert.Equal(200, status);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Equal("tiny-bert-cls", line.StructuredState!.Single(p => p.Key == "Model").Value);
    }

    [Fact]
    public async Task Telemetry_SlowSuccess_IsLoggedAtInformation()
    {
        var (status, line) = await SendAsync("/v1/classify", async () =>
        {
            // A lone request waits in the queue for company until the clock passes the queue delay.
            var classifying = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun" });
            await WaitForQueueDepthAsync(1);
            _clock.Advance(TimeSpan.FromMilliseconds(1500));
            using var response = await classifying;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        Assert.Equal(200, status);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("in 1500 ms", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerTiming_AnsweredAfterTheClockMoved_SaysTheServersTimeUntilTheAnswerStarted()
    {
        var classifying = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "timed" });
        await WaitForQueueDepthAsync(1);
        _clock.Advance(TimeSpan.FromMilliseconds(1500.25));
        using var response = await classifying;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("app;dur=1500.25", Assert.Single(response.Headers.GetValues("Server-Timing")));
    }

    [Fact]
    public async Task Metrics_ExceptionHandlerAnswer_IsExportedWithItsStatus()
    {
        using (var response = await Client.PostAsync("/v1/classify", Json("not json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var exported = "";
        await Eventually.TrueAsync(
            async () =>
            {
                exported = await Client.GetStringAsync("/metrics");
                return exported.Split('\n').Any(line => line.StartsWith("inference_requests_total{", StringComparison.Ordinal)
                    && line.Contains("endpoint=\"/v1/classify\"", StringComparison.Ordinal) && line.Contains("status=\"400\"", StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(30),
            () => $"no inference_requests_total for /v1/classify with status=\"400\" in:\n{exported}");
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>Runs one request and returns the status its metric counted and its request log line.</summary>
    private async Task<(int Status, FakeLogRecord Line)> SendAsync(string endpoint, Func<Task> request)
    {
        using var requests = new MetricCollector<long>(Factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), InferenceMetrics.MeterName, "inference_requests");
        Logs.Clear();
        await request();

        // The line is written before the metric is counted, so once the count is in, so is the line.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!requests.GetMeasurementSnapshot().Any(m => (string?)m.Tags["endpoint"] == endpoint))
        {
            await requests.WaitForMeasurementsAsync(requests.GetMeasurementSnapshot().Count + 1, timeout.Token);
        }

        var counted = requests.GetMeasurementSnapshot().Single(m => (string?)m.Tags["endpoint"] == endpoint);
        var line = Logs.GetSnapshot().Single(r => r.Category == LogOptions.RequestCategory && !r.Message.Contains("/v1/models", StringComparison.Ordinal));
        return ((int)counted.Tags["status"]!, line);
    }

    /// <summary>Counted with the status the client received, logged at Information without a stack trace, and no Error anywhere.</summary>
    private void AssertAnsweredQuietly(int expected, int status, FakeLogRecord line)
    {
        Assert.Equal(expected, status);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Null(line.Exception);
        Assert.Empty(Errors());
    }

    private IReadOnlyList<FakeLogRecord> Errors() => [.. Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error)];

    private static void FailDetokenizeReading(JsonTypeInfo type)
    {
        if (type.Type == typeof(DetokenizeRequest))
        {
            type.OnDeserializing = _ => throw new InvalidOperationException("A fault the test put in the detokenize request's reader.");
        }
    }
}
