using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>A server with the independent ViT fixture as "tiny-vit" (and the BERT one, to cross tasks), with small image limits to cross.</summary>
public sealed class ImageServer : IAsyncLifetime
{
    public InferenceApiFactory Factory { get; } = new InferenceApiFactory()
        .With("Api:MaxImagesPerRequest", "4")
        .With("Api:MaxImageBytes", "200000")
        .With("Api:MaxImagePixels", "1000000")
        .With("Api:MaxPixelsPerRequest", "2000000")
        .With("Api:MaxImageRequestBytes", "1000000");

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory.AddModel(Fixtures.TinyVit, "tiny-vit");
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");

        // The same graph with preprocessing the graph cannot take (64×64), and with other normalisation.
        var wrongSize = Factory.AddModel(Fixtures.TinyVit, "vit-wrong-size");
        File.WriteAllText(Path.Combine(wrongSize, "preprocessor_config.json"), """{ "do_resize": true, "size": { "height": 64, "width": 64 } }""");
        var otherNorm = Factory.AddModel(Fixtures.TinyVit, "vit-imagenet-norm");
        File.WriteAllText(
            Path.Combine(otherNorm, "preprocessor_config.json"),
            """{ "do_resize": true, "size": { "height": 32, "width": 32 }, "resample": 3, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225] }""");
        Client = await Factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
