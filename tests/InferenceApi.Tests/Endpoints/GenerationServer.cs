using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>A server with the independent GPT fixture as "tiny-gpt" (and the BERT classifier, to cross tasks).</summary>
public sealed class GenerationServer : SingleModelServer
{
    public GenerationServer()
        : base(("Cache:Enabled", "false"))
    {
        Factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
    }
}
