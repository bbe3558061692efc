using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Generation;

/// <summary>
/// One sequence's keys and values for every layer, laid out [heads, capacity, headDim] per layer and kind so
/// that each head's positions are contiguous: copying a head into or out of a batch tensor is one block.
/// Grows by doubling; the scheduler owns one per running sequence and drops it when the sequence ends.
/// </summary>
public sealed class SequenceCache
{
    private readonly DecoderShape _shape;
    private float[][] _layers;
    private int _capacity;

    public SequenceCache(DecoderShape shape, int initialCapacity)
    {
        _shape = shape;
        _capacity = Math.Max(1, initialCapacity);
        _layers = Allocate(shape, _capacity);
    }

    /// <summary>Positions cached.</summary>
    public int Length { get; private set; }

    /// <summary>Copies this sequence's cache into row <paramref name="row"/> of a [batch, heads, past, headDim] tensor, right-aligned.</summary>
    public void CopyTo(DecoderStep step, int row)
    {
        var headDim = _shape.HeadDim;
        var past = step.PastLength;
        var offset = past - Length;
        for (var tensor = 0; tensor < _layers.Length; tensor++)
        {
            var source = _layers[tensor];
            var target = step.Past[tensor];
            for (var head = 0; head < _shape.Heads; head++)
            {
                var rowStart = ((row * _shape.Heads) + head) * past * headDim;

                // Padded positions must be finite: masked attention still multiplies them by zero.
                Array.Clear(target, rowStart, offset * headDim);
                Array.Copy(source, head * _capacity * headDim, target, rowStart + (offset * headDim), Length * headDim);
            }
        }
    }

    /// <summary>Appends <paramref name="count"/> positions of row <paramref name="row"/> of the step's presents, starting at <paramref name="start"/>.</summary>
    public void Append(DecoderStep step, int row, int start, int count)
    {
        EnsureCapacity(Length + count);
        var headDim = _shape.HeadDim;
        var total = step.TotalLength;
        for (var tensor = 0; tensor < _layers.Length; tensor++)
        {
            var source = step.Present[tensor];
            var target = _layers[tensor];
            for (var head = 0; head < _shape.Heads; head++)
            {
                var from = ((((row * _shape.Heads) + head) * total) + start) * headDim;
                Array.Copy(source, from, target, ((head * _capacity) + Length) * headDim, count * headDim);
            }
        }

        Length += count;
    }

    private static float[][] Allocate(DecoderShape shape, int capacity)
    {
        var layers = new float[shape.Layers * 2][];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new float[shape.Heads * capacity * shape.HeadDim];
        }

        return layers;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _capacity)
        {
            return;
        }

        var capacity = Math.Max(needed, _capacity * 2);
        var grown = Allocate(_shape, capacity);
        var headDim = _shape.HeadDim;
        for (var tensor = 0; tensor < _layers.Length; tensor++)
        {
            for (var head = 0; head < _shape.Heads; head++)
            {
                Array.Copy(_layers[tensor], head * _capacity * headDim, grown[tensor], head * capacity * headDim, Length * headDim);
            }
        }

        _layers = grown;
        _capacity = capacity;
    }
}
