using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Generation;

/// <summary>
/// One sequence's keys and values for every layer, laid out [heads, capacity, headDim] per past tensor so that each
/// head's positions are contiguous: copying a head into or out of a batch tensor is one block. Values stay in the
/// model's element type (raw bytes: a float16 cache takes half the memory and is never converted). Grows by doubling;
/// the scheduler owns one per running sequence and drops it when the sequence ends.
/// </summary>
public sealed class SequenceCache
{
    private readonly DecoderShape _shape;
    private byte[][] _tensors;
    private int _capacity;

    public SequenceCache(DecoderShape shape, int initialCapacity)
    {
        _shape = shape;
        _capacity = Math.Max(1, initialCapacity);
        _tensors = Allocate(shape, _capacity);
    }

    /// <summary>Positions cached.</summary>
    public int Length { get; private set; }

    /// <summary>Copies this sequence's cache into row <paramref name="row"/> of each [batch, heads, past, headDim] tensor, right-aligned.</summary>
    public void CopyTo(DecoderStep step, int row)
    {
        var past = step.PastLength;
        var offset = past - Length;
        for (var tensor = 0; tensor < _tensors.Length; tensor++)
        {
            var (heads, position) = Layout(tensor);
            var source = _tensors[tensor];
            var target = step.Past[tensor];
            for (var head = 0; head < heads; head++)
            {
                var rowStart = ((row * heads) + head) * past * position;

                // Padded positions must be finite: masked attention still multiplies them by zero.
                Array.Clear(target, rowStart, offset * position);
                Buffer.BlockCopy(source, head * _capacity * position, target, rowStart + (offset * position), Length * position);
            }
        }
    }

    /// <summary>Appends <paramref name="count"/> positions of row <paramref name="row"/> of the step's presents, starting at <paramref name="start"/>.</summary>
    public void Append(DecoderStep step, int row, int start, int count)
    {
        EnsureCapacity(Length + count);
        var total = step.TotalLength;
        for (var tensor = 0; tensor < _tensors.Length; tensor++)
        {
            var (heads, position) = Layout(tensor);
            var source = step.Present[tensor];
            var target = _tensors[tensor];
            for (var head = 0; head < heads; head++)
            {
                var from = ((((row * heads) + head) * total) + start) * position;
                Buffer.BlockCopy(source, from, target, ((head * _capacity) + Length) * position, count * position);
            }
        }

        Length += count;
    }

    /// <summary>Heads of past tensor <paramref name="tensor"/>, and the bytes one position of one head takes.</summary>
    private (int Heads, int PositionBytes) Layout(int tensor)
    {
        var shape = _shape.KvTensors[tensor];
        return (shape.Heads, shape.HeadDim * _shape.KvElementSize);
    }

    private static byte[][] Allocate(DecoderShape shape, int capacity)
    {
        var tensors = new byte[shape.KvTensors.Count][];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = new byte[shape.KvTensors[i].PositionWidth * capacity * shape.KvElementSize];
        }

        return tensors;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _capacity)
        {
            return;
        }

        var capacity = Math.Max(needed, _capacity * 2);
        var grown = Allocate(_shape, capacity);
        for (var tensor = 0; tensor < _tensors.Length; tensor++)
        {
            var (heads, position) = Layout(tensor);
            for (var head = 0; head < heads; head++)
            {
                Buffer.BlockCopy(_tensors[tensor], head * _capacity * position, grown[tensor], head * capacity * position, Length * position);
            }
        }

        _tensors = grown;
        _capacity = capacity;
    }
}
