namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// A server of its own serving the BERT fixture as "tiny-bert-cls": a class fixture shared by a test class,
/// or the base of a test class whose settings would disturb others (tiny queues, long delays, short deadlines).
/// </summary>
public class SingleModelServer : IAsyncLifetime
{
    public SingleModelServer(params (string Key, string Value)[] settings)
    {
        foreach (var (key, value) in settings)
        {
            Factory.With(key, value);
        }
    }

    public InferenceApiFactory Factory { get; } = new();

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

    /// <summary>Waits until the model's queue holds at least <paramref name="depth"/> requests.</summary>
    public Task WaitForQueueDepthAsync(int depth) =>
        InferenceApiFactory.WaitForModelAsync(
            Client,
            "tiny-bert-cls",
            model => model.GetProperty("versions")[0].GetProperty("batching").GetProperty("queue_depth").GetInt32() >= depth,
            TimeSpan.FromSeconds(10));
}
