using System.Net;
using InferenceApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InferenceApi.Tests.Playground;

/// <summary>
/// The server with the shipped models on a real Kestrel port, and Debian's Chromium driven by Playwright: launched
/// by executable path, so no browser is ever downloaded. Shared by a test class; each test opens its own page.
/// </summary>
public sealed class PlaygroundServer : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly InferenceApiFactory _factory = new();
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client of the same server over HTTP, to compare the page with the API's own answers.</summary>
    public HttpClient Client { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots (artifacts/playground, git-ignored).</summary>
    public static string ScreenshotFolder => Path.Combine(TestPaths.RepositoryRoot, "artifacts", "playground");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Debian's chromium is not installed at {ChromiumPath}: apt-get install chromium (scripts/test.sh does it).");
        }

        _factory.With("Models:Path", Path.Combine(TestPaths.RepositoryRoot, "models"));
        _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };
        await InferenceApiFactory.WaitUntilReadyAsync(Client);

        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>Opens the playground on <paramref name="model"/> in a fresh browser context and waits for its model card.</summary>
    public async Task<IPage> OpenAsync(string model, IBrowserContext? context = null)
    {
        var page = context is null
            ? await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } })
            : await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(new Uri(BaseAddress, "/#" + model).ToString());
        await page.Locator("#card h2").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + model + "$") }).WaitForAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Client?.Dispose();
        await _factory.DisposeAsync();
    }
}
