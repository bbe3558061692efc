using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>The tiny Llama-style decoders the export and serving tests use: 2 layers, hidden 32, 4 query heads sharing 2 key/value heads of 8, SwiGLU 64, context 48 unless said.</summary>
internal static class TinyLlamas
{
    /// <summary>
    /// A seeded untrained model whose embedding (and so the tied head) is scaled to std 0.5: logits then spread over
    /// ±20, so float16 rounding is exercised at a trained model's magnitude, not on an all-but-uniform distribution.
    /// </summary>
    public static TinyLlama Untrained(int vocabularySize)
    {
        var model = New(vocabularySize);
        using (no_grad())
        {
            model.TokenEmbeddings.weight!.mul_(25);
        }

        return model;
    }

    /// <summary>
    /// Trained for 150 seeded steps on the chapter its tokenizer came from (a few seconds), so that its logits mean
    /// something; plain greedy decoding still falls into one-token loops, so the tests that need varied tokens decode
    /// with a repetition penalty (<see cref="DecoderReference.Penalty"/>).
    /// </summary>
    public static TinyLlama Trained(ChapterTokenizer chapter)
    {
        const int steps = 150;
        var model = New(chapter.Tokenizer.VocabularySize);
        var windows = TokenWindows.Cut(TextCorpus.Tokenize([chapter.Text], chapter.Tokenizer), 33, "chapter");
        var trainer = new TextGenerationTrainer(model, steps, learningRate: 1e-2, weightDecay: 0);
        var random = new Random(5);
        for (var step = 0; step < steps; step++)
        {
            trainer.Step(windows.Subset([.. Enumerable.Range(0, 16).Select(_ => random.Next(windows.Count))]));
        }

        model.eval();
        return model;
    }

    /// <summary>
    /// Taught <paramref name="sequences"/> by heart (300 seeded full-batch steps, a few seconds): each is padded with
    /// <paramref name="padId"/> to the longest and starts a window of its own at position 0, as a prompt reaches the
    /// server. The context is the longest sequence + 32.
    /// </summary>
    public static TinyLlama TrainedOn(IReadOnlyList<int[]> sequences, int vocabularySize, int padId)
    {
        const int steps = 300;
        var length = sequences.Max(s => s.Length) + 1;
        var model = New(vocabularySize, length + 32);

        // Windows of `length` at a stride of length - 1: every sequence, padded to length - 1, then the next one's first token.
        int[] stream = [.. sequences.SelectMany(s => s.Concat(Enumerable.Repeat(padId, length - 1 - s.Length))), sequences[0][0]];
        var windows = TokenWindows.Cut(stream, length, "chats");
        var trainer = new TextGenerationTrainer(model, steps, learningRate: 1e-2, weightDecay: 0);
        for (var step = 0; step < steps; step++)
        {
            trainer.Step(windows);
        }

        model.eval();
        return model;
    }

    private static TinyLlama New(int vocabularySize, int maxPositions = 48)
    {
        manual_seed(11);
        return new TinyLlama(new LlamaOptions
        {
            VocabularySize = vocabularySize, MaxPositions = maxPositions, HiddenSize = 32, Heads = 4, KeyValueHeads = 2, Layers = 2, IntermediateSize = 64,
        });
    }
}
