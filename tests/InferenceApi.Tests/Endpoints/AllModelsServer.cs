using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>A server with one model of each kind: the BERT fixture as "tiny-bert-cls", "tiny-gpt" and "tiny-vit"; no cache, so every request runs.</summary>
public sealed class AllModelsServer : SingleModelServer
{
    public AllModelsServer()
        : base(("Cache:Enabled", "false"), ("Api:MaxImagesPerRequest", "4"))
    {
        Factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
        Factory.AddModel(Fixtures.TinyVit, "tiny-vit");
    }
}
