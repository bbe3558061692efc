namespace InferenceApi.Tests.Infrastructure;

/// <summary>The server over the repository's own models/ folder, as a fresh clone runs it; shared by a test class.</summary>
public sealed class ShippedModelsServer : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new();

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _factory.With("Models:Path", Path.Combine(TestPaths.RepositoryRoot, "models"));
        Client = await _factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
