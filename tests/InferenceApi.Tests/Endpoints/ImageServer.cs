using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>A server with the independent ViT fixture as "tiny-vit" (and the BERT one, to cross tasks), with small image limits to cross.</summary>
public sealed class ImageServer : IAsyncLifetime
{
    public InferenceApiFactory Factory { get; } = new InferenceApiFactory()
        .With("Api:MaxImagesPerRequest", "4")
        .With("Api:MaxImageBytes", "200000")
        .With("Api:MaxImagePixels", "1000000")
        .With("Api:MaxImageRequestBytes", "1000000");

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory.AddModel(Fixtures.TinyVit, "tiny-vit");
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        Client = await Factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
