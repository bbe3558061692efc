using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InferenceApi.Tests.Playground;

/// <summary>The playground page at / in a real browser, against the shipped models on a real port.</summary>
public sealed class PlaygroundPageTests(PlaygroundServer server) : IClassFixture<PlaygroundServer>
{
    [Fact]
    public async Task Classify_TypedText_ShowsTheServersScoresAsBarsWithTheAnswersHeaders()
    {
        var page = await server.OpenAsync("sentiment");
        var errors = CollectPageErrors(page);
        string[] texts = ["A gripping, beautifully acted film.", "Dull and far too long."];

        await page.FillAsync("#classify-text", string.Join('\n', texts));
        await page.ClickAsync("#classify-form button[type=submit]");
        await page.Locator("#result[data-state=done]").WaitForAsync();

        using var api = await server.Client.PostJsonAsync("/v1/classify", new { model = "sentiment", inputs = texts });
        var expected = (await api.ReadJsonAsync()).GetProperty("results");
        var items = page.Locator("#result .item");
        Assert.Equal(2, await items.CountAsync());
        for (var i = 0; i < texts.Length; i++)
        {
            var bars = items.Nth(i).Locator(".bar");
            var labels = expected[i].GetProperty("labels");
            Assert.Equal(labels.GetArrayLength(), await bars.CountAsync());
            for (var j = 0; j < labels.GetArrayLength(); j++)
            {
                var bar = bars.Nth(j);
                var score = labels[j].GetProperty("score").GetDouble();
                Assert.Equal(labels[j].GetProperty("label").GetString(), await bar.GetAttributeAsync("data-label"));
                Assert.Equal(score, double.Parse((await bar.GetAttributeAsync("data-score"))!, CultureInfo.InvariantCulture), 6);
                var width = await bar.Locator(".fill").EvaluateAsync<double>("fill => parseFloat(fill.style.width)");
                // The page writes the width with two decimals.
                Assert.Equal(score * 100, width, tolerance: 0.0051);
            }
        }

        Assert.Equal("positive", await items.Nth(0).Locator(".bar").First.GetAttributeAsync("data-label"));
        Assert.Equal("200", await Header(page, "status"));
        Assert.Matches(@"^\d+(\.\d+)? ms$", await Header(page, "x-queue-time"));
        Assert.Matches(@"^\d+(\.\d+)? ms$", await Header(page, "x-inference-time"));
        Assert.Matches(@"^[1-9]\d*$", await Header(page, "x-batch-size"));
        Assert.Equal("miss", await Header(page, "x-cache"));
        Assert.Equal("text-classification", await page.TextContentAsync("#card [data-fact=task]"));
        Assert.Equal(2, await page.Locator("#card .chip").CountAsync());
        await SaveScreenshotAsync(page, "classify.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Generate_Prompt_StreamsTokensInAsTheServerMakesThem()
    {
        var page = await server.OpenAsync("gpt-austen");
        var errors = CollectPageErrors(page);
        const string Prompt = "It is a truth universally acknowledged, that";

        var sent = new ConcurrentQueue<(string? Body, string? Accept)>();
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/v1/generate", StringComparison.Ordinal))
            {
                sent.Enqueue((request.PostData, request.Headers.GetValueOrDefault("accept")));
            }
        };
        // Counts the text the page appends to the answer: one append per token event, as each arrives.
        await page.EvaluateAsync("""
            () => {
              window.appends = 0;
              new MutationObserver(records => {
                for (const r of records) if (r.target.classList?.contains('generated')) window.appends += r.addedNodes.length;
              }).observe(document.getElementById('result'), { childList: true, subtree: true });
            }
            """);

        await page.FillAsync("#prompt", Prompt);
        await page.FillAsync("#temperature", "0");
        await page.FillAsync("#max-tokens", "40");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync("#generate-form button[type=submit]"), r => r.Url.EndsWith("/v1/generate", StringComparison.Ordinal));
        await page.Locator("#result[data-state=done]").WaitForAsync();

        // Asked for a stream, got server-sent events, and rendered them token by token.
        var (body, accept) = Assert.Single(sent);
        Assert.True(JsonDocument.Parse(body!).RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal("text/event-stream", accept);
        Assert.StartsWith("text/event-stream", await response.HeaderValueAsync("content-type"), StringComparison.Ordinal);
        var stream = await page.EvaluateAsync<JsonElement>("() => playground.lastStream");
        var text = stream.GetProperty("text").GetString()!;
        var end = stream.GetProperty("end");
        var tokens = end.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        Assert.Equal(tokens, stream.GetProperty("tokenTimes").GetArrayLength());
        Assert.Equal(tokens, await page.EvaluateAsync<int>("() => window.appends"));
        Assert.Equal(end.GetProperty("generated_text").GetString(), text);
        Assert.Equal(Prompt + text, await page.TextContentAsync("#result .generation"));
        Assert.Contains("finish reason length", await page.TextContentAsync("#stream-stats"), StringComparison.Ordinal);

        // Greedy, so the API's non-streamed answer to the same request is the same text.
        using var api = await server.Client.PostJsonAsync("/v1/generate", new { model = "gpt-austen", prompt = Prompt, max_new_tokens = 40, temperature = 0.0, top_p = 0.95, repetition_penalty = 1.2 });
        Assert.Equal((await api.ReadJsonAsync()).GetProperty("generated_text").GetString(), text);
        Assert.Equal("200", await Header(page, "status"));
        Assert.Equal("2", await Header(page, "x-model-version"));
        // A model without labels leaves no stray text in its card.
        Assert.Equal(0, await page.Locator("#card").EvaluateAsync<int>("card => [...card.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).length"));
        await SaveScreenshotAsync(page, "generate.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ImageDrop_DigitFile_ShowsTheTopClassesTheApiGives()
    {
        var page = await server.OpenAsync("digits-vit");
        var errors = CollectPageErrors(page);
        var file = Path.Combine(TestPaths.RepositoryRoot, "loadtests", "data", "digits", "3.png");
        var bytes = await File.ReadAllBytesAsync(file);

        // A real drop event carrying the file, as a drag from the desktop delivers it.
        var transfer = await page.EvaluateHandleAsync(
            "base64 => { const dt = new DataTransfer(); const data = Uint8Array.from(atob(base64), c => c.charCodeAt(0)); dt.items.add(new File([data], '3.png', { type: 'image/png' })); return dt; }",
            Convert.ToBase64String(bytes));
        await page.DispatchEventAsync("#drop-zone", "drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await page.Locator("#result[data-state=done]").WaitForAsync();

        using var content = new MultipartFormDataContent { { new StringContent("digits-vit"), "model" }, { new StringContent("5"), "top_k" } };
        content.Add(new ByteArrayContent(bytes), "images", "3.png");
        using var api = await server.Client.PostAsync("/v1/images/classify", content);
        var expected = (await api.ReadJsonAsync()).GetProperty("results")[0].GetProperty("labels").EnumerateArray()
            .Select(l => l.GetProperty("label").GetString()).ToList();
        var shown = await page.Locator("#result .bar").EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.label)");
        Assert.Equal(5, shown.Length);
        Assert.Equal(expected, shown);
        Assert.Equal(8, await page.Locator("#preview").EvaluateAsync<int>("img => img.naturalWidth"));
        Assert.Equal("image-classification", await page.TextContentAsync("#card [data-fact=task]"));
        await SaveScreenshotAsync(page, "image.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Embed_ThreeTexts_ShowsTheCosineSimilaritiesOfTheApisVectors()
    {
        var page = await server.OpenAsync("sentiment-encoder");
        var errors = CollectPageErrors(page);
        string[] texts = ["A gripping, beautifully acted film.", "A wonderful movie with superb acting.", "Dull and far too long."];

        await page.FillAsync("#embed-text", string.Join('\n', texts));
        var request = await page.RunAndWaitForRequestAsync(
            () => page.ClickAsync("#embed-form button[type=submit]"), r => r.Url.EndsWith("/v1/embed", StringComparison.Ordinal));
        await page.Locator("#result[data-state=done]").WaitForAsync();

        // A dot product is a cosine only of unit vectors, so the page asks for them whatever the model's default.
        Assert.True(JsonDocument.Parse(request.PostData!).RootElement.GetProperty("normalize").GetBoolean());

        using var api = await server.Client.PostJsonAsync("/v1/embed", new { model = "sentiment-encoder", inputs = texts, normalize = true });
        var vectors = (await api.ReadJsonAsync()).GetProperty("embeddings").EnumerateArray()
            .Select(v => v.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToList();
        for (var i = 0; i < texts.Length; i++)
        {
            for (var j = 0; j < texts.Length; j++)
            {
                var shown = double.Parse((await page.TextContentAsync($"[data-cosine='{i}-{j}']"))!, CultureInfo.InvariantCulture);
                Assert.Equal(vectors[i].Zip(vectors[j], (x, y) => x * y).Sum(), shown, 3);
            }
        }

        Assert.Contains("3 vectors of 64 dimensions", await page.TextContentAsync("#result"), StringComparison.Ordinal);
        await SaveScreenshotAsync(page, "embed.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ApiKey_Filled_IsSentAsBearerAndKeptInThisTabOnly()
    {
        await using var context = await server.Browser.NewContextAsync();
        var page = await server.OpenAsync("sentiment", context);
        var authorizations = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/v1/classify", StringComparison.Ordinal))
            {
                authorizations.Enqueue(request.Headers.TryGetValue("authorization", out var value) ? value : "(none)");
            }
        };

        await page.FillAsync("#classify-text", "The staff remembered our names.");
        await page.ClickAsync("#classify-form button[type=submit]");
        await page.Locator("#result[data-state=done]").WaitForAsync();
        await page.FillAsync("#api-key", "sk-playground-test");
        await page.ClickAsync("#classify-form button[type=submit]");
        await page.Locator("#result[data-state=done]").WaitForAsync();

        Assert.Equal(["(none)", "Bearer sk-playground-test"], authorizations.ToArray());
        Assert.Equal("sk-playground-test", await page.EvaluateAsync<string>("() => sessionStorage.getItem('inferenceapi.playground.apiKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        await page.ReloadAsync();
        Assert.Equal("sk-playground-test", await page.InputValueAsync("#api-key"));
        var otherTab = await server.OpenAsync("sentiment", context);
        Assert.Equal(string.Empty, await otherTab.InputValueAsync("#api-key"));
    }

    private static Task<string?> Header(IPage page, string name) => page.TextContentAsync($"#timing [data-header={name}]");

    private static ConcurrentQueue<string> CollectPageErrors(IPage page)
    {
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => errors.Enqueue(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue(message.Text);
            }
        };
        return errors;
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(PlaygroundServer.ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PlaygroundServer.ScreenshotFolder, name), FullPage = true });
        await page.CloseAsync();
    }
}
