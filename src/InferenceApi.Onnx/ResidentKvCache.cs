using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;

namespace InferenceApi.Onnx;

/// <summary>
/// The decoder's keys and values between steps, in two sets of pinned buffers (one per past tensor each) that ONNX
/// Runtime reads and writes directly: a step's presents are written into one set and read as the next step's pasts
/// while that step's presents go to the other (ping-pong), so while the batch keeps its rows nothing is copied at all.
/// When rows join or leave, the next pasts are gathered once from the last presents into the free set, in the layout
/// <see cref="DecoderBatchAssembler"/> describes (each row right-aligned, padding zeroed), and the step's presents are
/// written over the set just read. Buffers grow on demand and shrink when a step needs under a quarter of them.
/// </summary>
internal sealed class ResidentKvCache
{
    private const int ShrinkFloor = 1 << 20;
    private readonly DecoderShape _shape;
    private readonly byte[][][] _sets;

    /// <summary>The set holding the last step's presents, or −1 when there is none to continue from.</summary>
    private int _current = -1;
    private SequenceCache[] _rows = [];
    private int[] _rowPast = [];
    private int[] _rowNew = [];
    private int _pastLength;
    private int _totalLength;

    public ResidentKvCache(DecoderShape shape)
    {
        _shape = shape;
        _sets = [NewSet(), NewSet()];
    }

    /// <summary>Steps that bound the last presents as pasts as they were, and steps that had to gather them first.</summary>
    public (long Bound, long Gathered) Counts { get; private set; }

    /// <summary>
    /// Makes the step's pasts ready and says where they are and where its presents go: (past set, present set). Throws
    /// when a row has a cache this session did not run in its last step.
    /// </summary>
    public (byte[][] Past, byte[][] Present) Prepare(DecoderStep step)
    {
        int past;
        if (Continues(step))
        {
            past = _current;
            Counts = (Counts.Bound + 1, Counts.Gathered);
        }
        else
        {
            past = _current < 0 ? 0 : 1 - _current;
            Gather(step, _sets[past]);
            Counts = (Counts.Bound, Counts.Gathered + 1);
        }

        var present = 1 - past;
        for (var tensor = 0; tensor < _sets[present].Length; tensor++)
        {
            Fit(_sets[present], tensor, Bytes(step.Batch, tensor, step.TotalLength));
        }

        return (_sets[past], _sets[present]);
    }

    /// <summary>The step ran: its presents (in <paramref name="present"/>) are what the next step continues from.</summary>
    public void Commit(DecoderStep step, byte[][] present)
    {
        _current = ReferenceEquals(present, _sets[0]) ? 0 : 1;
        _rows = [.. step.Caches];
        _rowPast = [.. step.RowPast];
        _rowNew = [.. step.RowNew];
        _pastLength = step.PastLength;
        _totalLength = step.TotalLength;
    }

    /// <summary>The step failed: what the buffers hold is no longer known, so no later step may continue from them.</summary>
    public void Forget()
    {
        _current = -1;
        _rows = [];
    }

    /// <summary>Bytes of a [batch, heads, length, headDim] tensor.</summary>
    public int Bytes(int batch, int tensor, int length) => batch * _shape.KvTensors[tensor].PositionWidth * length * _shape.KvElementSize;

    /// <summary>
    /// True when the step's pasts are exactly the last presents: the same rows in the same order, each having fed the
    /// full width of new tokens last time (so no padding sits between its past and its new positions).
    /// </summary>
    private bool Continues(DecoderStep step)
    {
        if (_current < 0 || step.Batch != _rows.Length || step.PastLength != _totalLength)
        {
            return false;
        }

        for (var b = 0; b < _rows.Length; b++)
        {
            if (!ReferenceEquals(step.Caches[b], _rows[b]) || _rowNew[b] != _totalLength - _pastLength || step.RowPast[b] != _rowPast[b] + _rowNew[b])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes each row's past, right-aligned with zeroed padding, from the last presents into <paramref name="target"/>.</summary>
    private void Gather(DecoderStep step, byte[][] target)
    {
        var past = step.PastLength;
        var sources = new int[step.Batch];
        for (var b = 0; b < step.Batch; b++)
        {
            sources[b] = step.RowPast[b] == 0 ? -1 : Array.FindIndex(_rows, row => ReferenceEquals(row, step.Caches[b]));
            if (step.RowPast[b] > 0 && (_current < 0 || sources[b] < 0 || _rowPast[sources[b]] + _rowNew[sources[b]] != step.RowPast[b]))
            {
                throw new BackendException($"row {b} continues a sequence whose {step.RowPast[b]} cached positions are not in this session's last step; a sequence must take part in every step from its prefill until it leaves");
            }
        }

        var from = _current < 0 ? null : _sets[_current];
        for (var tensor = 0; tensor < target.Length; tensor++)
        {
            Fit(target, tensor, Math.Max(1, Bytes(step.Batch, tensor, past)));
            var heads = _shape.KvTensors[tensor].Heads;
            var position = _shape.KvTensors[tensor].HeadDim * _shape.KvElementSize;
            for (var b = 0; b < step.Batch; b++)
            {
                var own = step.RowPast[b];
                for (var head = 0; head < heads; head++)
                {
                    var rowStart = ((b * heads) + head) * past * position;

                    // Padded positions must be finite: masked attention still multiplies them by zero.
                    Array.Clear(target[tensor], rowStart, (past - own) * position);
                    if (own == 0)
                    {
                        continue;
                    }

                    // The source row holds its old past right-aligned before the last step's new positions, and its own
                    // new positions right-aligned at the end; padding may sit between them.
                    var j = sources[b];
                    var sourceRow = ((j * heads) + head) * _totalLength * position;
                    var oldPast = _rowPast[j];
                    var fresh = _rowNew[j];
                    var into = rowStart + ((past - own) * position);
                    Buffer.BlockCopy(from![tensor], sourceRow + ((_pastLength - oldPast) * position), target[tensor], into, oldPast * position);
                    Buffer.BlockCopy(from[tensor], sourceRow + ((_totalLength - fresh) * position), target[tensor], into + (oldPast * position), fresh * position);
                }
            }
        }
    }

    /// <summary>Gives <paramref name="set"/>[<paramref name="tensor"/>] room for <paramref name="bytes"/>, growing by half again or shrinking to twice the need.</summary>
    private static void Fit(byte[][] set, int tensor, int bytes)
    {
        var length = set[tensor].Length;
        if (bytes > length)
        {
            set[tensor] = Pinned(Math.Max(bytes, length + (length / 2)));
        }
        else if (length > ShrinkFloor && bytes < length / 4)
        {
            set[tensor] = Pinned(Math.Max(1, bytes * 2));
        }
    }

    private static byte[] Pinned(int bytes) => GC.AllocateUninitializedArray<byte>(bytes, pinned: true);

    private byte[][] NewSet() => Enumerable.Range(0, _shape.KvTensors.Count).Select(_ => Pinned(1)).ToArray();
}
