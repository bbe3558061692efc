using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Hosting;

/// <summary>
/// SIGTERM against the real server process: it never crashes, every client gets a complete HTTP answer, readiness turns
/// 503 at once while requests on new connections are still served for <c>Shutdown:DrainDelaySeconds</c>, and the
/// process exits 0.
/// </summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private const string Model = "gpt-austen";
    private const int Clients = 100;
    private const int MaxTokens = 200;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _folder = new();

    [Fact]
    public async Task Sigterm_GenerationsOutlastTheShutdownTimeout_EveryClientGetsACompleteAnswerAndTheExitCodeIs0()
    {
        // The shipped GPT with 100 generations of 200 tokens: about four rounds of a full running batch (over 3 s each
        // on 2 cores), more than fit in the 8 s the host is given to stop, so some still run or wait at the cut-off; the
        // 2 s kept after it to write the answers leave room for a machine loaded by the other tests. Admission by expected
        // wait is lifted, so that every generation queues instead of being refused at once.
        var models = Directory.CreateDirectory(Path.Combine(_folder.Path, "models")).FullName;
        CopyTree(Path.Combine(TestPaths.RepositoryRoot, "models", Model), Path.Combine(models, Model));
        await using var server = await ServerProcess.StartAsync(models, _folder.Path, ("Cache:Enabled", "false"), ("shutdownTimeoutSeconds", "8"), ("Models:Defaults:MaxQueueTimeMs", "600000"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

        var answers = Enumerable.Range(0, Clients).Select(i => SendAsync(client, (Kind)(i % 5), i)).ToArray();
        await WaitForSequencesAsync(client, Clients);
        await server.TerminateAsync();
        var received = await Task.WhenAll(answers);
        var exitCode = await server.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{server.Output}");
        Assert.All(received, answer => Assert.True(answer.Outcome is Outcome.Finished or Outcome.CutOff, answer.ToString()));
        Assert.Contains(received, answer => answer.Outcome == Outcome.CutOff);
        Assert.All(Enum.GetValues<Kind>(), kind => Assert.Contains(received, answer => answer.Kind == kind && answer.Outcome == Outcome.CutOff));
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WithADrainDelay_ReadinessIs503AtOnceWhileNewConnectionsAreServed_ThenTheProcessExits0()
    {
        var delay = TimeSpan.FromSeconds(6);
        var models = Directory.CreateDirectory(Path.Combine(_folder.Path, "models")).FullName;
        CopyTree(Fixtures.TinyBertCls, Path.Combine(models, "tiny-bert-cls"));
        await using var server = await ServerProcess.StartAsync(models, _folder.Path, ("Shutdown:DrainDelaySeconds", delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)));
        using var client = server.NewConnectionsClient();

        var expected = Fixtures.ClassifierCases[0];
        var top = expected.Scores.MaxBy(s => s.Value).Key;
        var sent = Stopwatch.StartNew();
        await server.TerminateAsync();

        // The signal is handled on the server's own thread: readiness turns as soon as it has been (every poll answered).
        HttpStatusCode readiness;
        do
        {
            using var poll = await client.GetAsync("/health/ready");
            readiness = poll.StatusCode;
        }
        while (readiness == HttpStatusCode.OK);

        // Rounds on new connections through the first half of the delay: far enough from its end that a request sent
        // then cannot meet the closing listener, however slow the machine is to connect.
        var rounds = 0;
        while (sent.Elapsed < delay / 2)
        {
            using var ready = await client.GetAsync("/health/ready");
            using var kserveReady = await client.GetAsync("/v2/health/ready");
            using var classified = await client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = expected.Text });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("shutting down", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadRequest, kserveReady.StatusCode);
            var body = await classified.ReadJsonAsync();
            Assert.Equal(top, body.GetProperty("results")[0].GetProperty("labels")[0].GetProperty("label").GetString());
            rounds++;
        }

        var exitCode = await server.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{server.Output}");
        Assert.True(rounds > 0, "no request was served during the delay");
        Assert.True(sent.Elapsed >= delay, $"the server exited {sent.Elapsed.TotalSeconds:0.0} s after SIGTERM, before its {delay.TotalSeconds} s delay");
        Assert.Contains("Closing the listener", server.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Waits until every client's generation has been admitted (running or waiting), so SIGTERM finds all of them in flight.</summary>
    private static async Task WaitForSequencesAsync(HttpClient client, int expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = 0;
        while (seen < expected)
        {
            Assert.False(timeout.IsCancellationRequested, $"only {seen} of {expected} generations were admitted after 60 s");
            var metrics = await client.GetStringAsync("/metrics");
            seen = metrics.Split('\n')
                .Where(line => line.StartsWith("inference_running_sequences{", StringComparison.Ordinal) || line.StartsWith("inference_waiting_sequences{", StringComparison.Ordinal))
                .Sum(line => (int)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
            await Task.Delay(50);
        }
    }

    private static async Task<Answer> SendAsync(HttpClient client, Kind kind, int index)
    {
        var prompt = $"It is a truth universally acknowledged ({index}), that";
        var (path, body) = kind switch
        {
            Kind.Generate or Kind.GenerateStream => ("/v1/generate", (object)new { model = Model, prompt, max_new_tokens = MaxTokens, temperature = 0.8, seed = index, stream = kind == Kind.GenerateStream }),
            Kind.CompletionsStream => ("/v1/completions", new { model = Model, prompt, max_tokens = MaxTokens, seed = index, stream = true }),
            _ => ("/v1/chat/completions", new { model = Model, messages = new[] { new { role = "user", content = prompt } }, max_tokens = MaxTokens, seed = index, stream = kind == Kind.ChatStream }),
        };
        try
        {
            using var response = await client.PostAsJsonAsync(path, body, InferenceApiFactory.Json);

            // Reading to the end fails on a reset or a truncated body: only a complete answer gets past here.
            var text = await response.Content.ReadAsStringAsync();
            return new Answer(kind, Classify(kind, response, text), $"{(int)response.StatusCode} {text[..Math.Min(text.Length, 400)]}");
        }
        catch (HttpRequestException failure)
        {
            return new Answer(kind, Outcome.Failed, failure.ToString());
        }
    }

    /// <summary>A finished answer, or the clean 503 of a cut-off in the route's shape; anything else is wrong.</summary>
    private static Outcome Classify(Kind kind, HttpResponseMessage response, string text)
    {
        var media = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            if (response.Headers.RetryAfter is null)
            {
                return Outcome.Failed;
            }

            var error = JsonDocument.Parse(text).RootElement;
            return kind == Kind.Generate
                ? media == "application/problem+json" && error.GetProperty("errorType").GetString() == "draining" ? Outcome.CutOff : Outcome.Failed
                : IsOpenAiDraining(error) ? Outcome.CutOff : Outcome.Failed;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Outcome.Failed;
        }

        if (kind is Kind.Generate or Kind.Chat)
        {
            return media == "application/json" && JsonDocument.Parse(text).RootElement.TryGetProperty(kind == Kind.Generate ? "finish_reason" : "choices", out _) ? Outcome.Finished : Outcome.Failed;
        }

        if (media != "text/event-stream")
        {
            return Outcome.Failed;
        }

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var last = events[^1].Split('\n');
        var data = last.Single(line => line.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        if (kind == Kind.GenerateStream)
        {
            return last[0] switch
            {
                "event: end" => Outcome.Finished,
                "event: error" when JsonDocument.Parse(data).RootElement is var problem && problem.GetProperty("status").GetInt32() == 503 && problem.GetProperty("errorType").GetString() == "draining" => Outcome.CutOff,
                _ => Outcome.Failed,
            };
        }

        // OpenAI's streams end with [DONE], or with one error object and no [DONE].
        return data == "[DONE]" ? Outcome.Finished : IsOpenAiDraining(JsonDocument.Parse(data).RootElement) ? Outcome.CutOff : Outcome.Failed;
    }

    private static bool IsOpenAiDraining(JsonElement body) =>
        body.TryGetProperty("error", out var error) && error.GetProperty("code").GetString() == "draining" && error.GetProperty("type").GetString() == "service_unavailable_error";

    private static void CopyTree(string source, string target)
    {
        InferenceApiFactory.CopyDirectory(source, target);
        foreach (var folder in Directory.EnumerateDirectories(source))
        {
            CopyTree(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }

    private enum Kind
    {
        Generate,
        GenerateStream,
        CompletionsStream,
        Chat,
        ChatStream,
    }

    private enum Outcome
    {
        Finished,
        CutOff,
        Failed,
    }

    private sealed record Answer(Kind Kind, Outcome Outcome, string Detail);
}
