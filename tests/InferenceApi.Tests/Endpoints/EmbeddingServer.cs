using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// A server with an embeddings model ("embedder") made from the independent BERT fixture (<see cref="EmbedderFolder"/>):
/// the same encoder, last_hidden_state exposed. Also serves the classifier, to cross tasks.
/// </summary>
public sealed class EmbeddingServer : IAsyncLifetime
{
    public InferenceApiFactory Factory { get; } = new InferenceApiFactory().With("Models:Defaults:MaxQueueDelayMs", "5");

    public HttpClient Client { get; private set; } = null!;

    public string EmbedderModelFile => Path.Combine(Factory.Models.Path, "embedder", "model.onnx");

    public async Task InitializeAsync()
    {
        EmbedderFolder.Create(Fixtures.TinyBertCls, Path.Combine(Factory.Models.Path, "embedder"));
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        Client = await Factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
