using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// What training, evaluation and the parity checks need of a decoder-only language model, whatever its architecture:
/// the full forward over unpadded blocks (training) and one step over a key/value cache with the inputs of optimum's
/// decoder-with-past graph (export parity, greedy references).
/// </summary>
public abstract class CausalDecoder(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract int VocabularySize { get; }

    /// <summary>Context length: training windows and the served prompt + generation limit.</summary>
    public abstract int MaxPositions { get; }

    public abstract int Layers { get; }

    /// <summary>Key/value heads of each layer's cache (fewer than the query heads under grouped-query attention).</summary>
    public abstract int KeyValueHeads { get; }

    public abstract int HeadSize { get; }

    /// <summary>
    /// One step as the exported graph runs it: <paramref name="attentionMask"/> covers past + new tokens (0 for
    /// padding), <paramref name="positionIds"/> the new tokens' positions, <paramref name="past"/> one cache per layer
    /// [batch, kvHeads, past, headSize]. Returns logits [batch, new, vocab] and the extended caches.
    /// </summary>
    public abstract (Tensor Logits, (Tensor Key, Tensor Value)[] Present) Step(
        Tensor inputIds, Tensor attentionMask, Tensor positionIds, (Tensor Key, Tensor Value)[]? past);

    /// <summary>Parameters, counted once (a tied head shares the embedding's).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
