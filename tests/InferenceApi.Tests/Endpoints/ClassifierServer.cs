using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>One server for a test class, serving the independent BERT fixture as "tiny-bert-cls".</summary>
public class ClassifierServer : IAsyncLifetime
{
    public InferenceApiFactory Factory { get; } = new InferenceApiFactory()
        .With("Models:Defaults:MaxQueueDelayMs", "10")
        .With("Api:MaxInputsPerRequest", "16")
        .With("Api:MaxRequestBodyBytes", "65536")
        .With("Api:MaxInputCharacters", "20000")
        .With("Api:MaxDetokenizeIds", "1000");

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        Client = await Factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
