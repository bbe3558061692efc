using InferenceApi.Trainer.Models;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>The chapter tokenizer and one trained tiny Llama, made once for a test class (training takes a few seconds).</summary>
public sealed class TinyLlamaFixture : IDisposable
{
    public TinyLlamaFixture()
    {
        Trained = TinyLlamas.Trained(Chapter);
    }

    public ChapterTokenizer Chapter { get; } = new();

    public TinyLlama Trained { get; }

    public void Dispose()
    {
        Trained.Dispose();
        Chapter.Dispose();
    }
}
