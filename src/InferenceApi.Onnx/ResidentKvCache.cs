using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;

namespace InferenceApi.Onnx;

/// <summary>
/// The decoder's keys and values between runs, in sets of pinned buffers (one per past tensor each) that ONNX Runtime
/// reads and writes directly. A run's presents stay where it wrote them (a <see cref="Source"/>); when the next run has
/// exactly that source's rows, the presents are bound as its pasts as they are and its own presents go to a free set,
/// so while the batch keeps its rows nothing is copied at all. When rows join or leave, the next pasts are gathered
/// once from the sources into a free set, in the layout <see cref="DecoderBatchAssembler"/> describes (each row
/// right-aligned, padding zeroed). A run consumes every source it took a row from (rows left behind belong to
/// sequences that ended); an untouched source is kept, so a prompt run apart from the running rows leaves those intact,
/// up to <see cref="MaxSources"/>. Buffers grow on demand and shrink only when no run of the last
/// <see cref="ShrinkWindow"/> to 2 × <see cref="ShrinkWindow"/> needed over a quarter of them: every new generation
/// starts short, and shrinking at each start made the sets regrow about five times per generation, each time on fresh
/// pinned pages (page faults and clearing, ~1.5 % of the server's CPU under 16 streams on the benchmark's GPT).
/// </summary>
internal sealed class ResidentKvCache
{
    /// <summary>The running rows' presents and a joining prompt's: what one step run in two parts leaves.</summary>
    private const int MaxSources = 2;
    private const int MaxFree = 2;
    private const int ShrinkFloor = 1 << 20;
    private const int ShrinkWindow = 256;
    private readonly DecoderShape _shape;
    private readonly List<Source> _sources = [];
    private readonly Stack<byte[][]> _free = new();

    /// <summary>What zero-length pasts are bound over.</summary>
    private readonly byte[][] _noPast;

    /// <summary>The largest batch × length runs needed lately.</summary>
    private readonly RecentPeak _positions = new(ShrinkWindow);

    public ResidentKvCache(DecoderShape shape)
    {
        _shape = shape;
        _noPast = [.. Enumerable.Range(0, shape.KvTensors.Count).Select(_ => Pinned(1))];
    }

    /// <summary>
    /// Runs that bound the last presents as they were, and runs that had to gather their pasts first; a run of prompts
    /// only, with no past, is neither.
    /// </summary>
    public (long Bound, long Gathered) Counts { get; private set; }

    /// <summary>
    /// Makes the step's pasts ready and says where they are and where its presents go. Throws when a row has a cache
    /// whose positions this session no longer holds.
    /// </summary>
    public (byte[][] Past, byte[][] Present) Prepare(DecoderStep step)
    {
        _positions.Observe(step.Batch * step.TotalLength);
        byte[][] past;
        if (step.PastLength == 0)
        {
            // Only prompts: the pasts are empty, so no set is taken for them (a generation's start would otherwise need
            // a fourth set beside the two sources and the presents, and drop one to the collector every cycle).
            past = _noPast;
        }
        else if (_sources.Find(source => source.Continues(step)) is { } same)
        {
            past = same.Set;
            Counts = (Counts.Bound + 1, Counts.Gathered);
        }
        else
        {
            past = Rent();
            try
            {
                Gather(step, past);
            }
            catch
            {
                Return(past);
                throw;
            }

            Counts = (Counts.Bound, Counts.Gathered + 1);
        }

        var present = Rent();
        for (var tensor = 0; tensor < present.Length; tensor++)
        {
            Fit(present, tensor, Bytes(step.Batch, tensor, step.TotalLength));
        }

        return (past, present);
    }

    /// <summary>
    /// The step ran: its presents become a source, the sources it read from are consumed, the pasts set (if gathered)
    /// is free again, and the oldest source goes when there are more than <see cref="MaxSources"/>.
    /// </summary>
    public void Commit(DecoderStep step, byte[][] past, byte[][] present)
    {
        var consumed = _sources.Where(source => step.Caches.Any(source.Holds)).ToList();
        foreach (var source in consumed)
        {
            _sources.Remove(source);
            Return(source.Set);
        }

        if (!consumed.Any(source => ReferenceEquals(source.Set, past)))
        {
            Return(past);
        }

        _sources.Add(new Source(present, [.. step.Caches], [.. step.RowPast], [.. step.RowNew], step.PastLength, step.TotalLength));
        while (_sources.Count > MaxSources)
        {
            Return(_sources[0].Set);
            _sources.RemoveAt(0);
        }
    }

    /// <summary>A run failed after <see cref="Prepare"/>: its sets go back unused.</summary>
    public void Release(byte[][] past, byte[][] present)
    {
        if (!_sources.Exists(source => ReferenceEquals(source.Set, past)))
        {
            Return(past);
        }

        Return(present);
    }

    /// <summary>A step failed: what the buffers hold is no longer known, so no later run may continue from them.</summary>
    public void Forget()
    {
        foreach (var source in _sources)
        {
            Return(source.Set);
        }

        _sources.Clear();
    }

    /// <summary>Bytes of a [batch, heads, length, headDim] tensor.</summary>
    public int Bytes(int batch, int tensor, int length) => batch * _shape.KvTensors[tensor].PositionWidth * length * _shape.KvElementSize;

    /// <summary>Writes each row's past, right-aligned with zeroed padding, from the sources into <paramref name="target"/>.</summary>
    private void Gather(DecoderStep step, byte[][] target)
    {
        var past = step.PastLength;
        var from = new (Source? Source, int Row)[step.Batch];
        for (var b = 0; b < step.Batch; b++)
        {
            if (step.RowPast[b] == 0)
            {
                continue;
            }

            var source = _sources.Find(s => s.Holds(step.Caches[b]));
            var row = source is null ? -1 : Array.FindIndex(source.Rows, r => ReferenceEquals(r, step.Caches[b]));
            if (source is null || source.RowPast[row] + source.RowNew[row] != step.RowPast[b])
            {
                throw new BackendException($"row {b} continues a sequence whose {step.RowPast[b]} cached positions this session no longer holds; a sequence must take part in every step from its prefill until it leaves");
            }

            from[b] = (source, row);
        }

        for (var tensor = 0; tensor < target.Length; tensor++)
        {
            Fit(target, tensor, Bytes(step.Batch, tensor, past));
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
                    if (from[b].Source is not { } source)
                    {
                        continue;
                    }

                    // The source row holds its old past right-aligned before that run's new positions, and its own new
                    // positions right-aligned at the end; padding may sit between them.
                    var j = from[b].Row;
                    var sourceRow = ((j * heads) + head) * source.TotalLength * position;
                    var (oldPast, fresh) = (source.RowPast[j], source.RowNew[j]);
                    var into = rowStart + ((past - own) * position);
                    Buffer.BlockCopy(source.Set[tensor], sourceRow + ((source.PastLength - oldPast) * position), target[tensor], into, oldPast * position);
                    Buffer.BlockCopy(source.Set[tensor], sourceRow + ((source.TotalLength - fresh) * position), target[tensor], into + (oldPast * position), fresh * position);
                }
            }
        }
    }

    /// <summary>Keeps a few free sets for the next runs; more (after a split step) are left to the collector.</summary>
    private void Return(byte[][] set)
    {
        if (!ReferenceEquals(set, _noPast) && _free.Count < MaxFree)
        {
            _free.Push(set);
        }
    }

    private byte[][] Rent() => _free.Count > 0 ? _free.Pop() : Enumerable.Range(0, _shape.KvTensors.Count).Select(_ => Pinned(1)).ToArray();

    /// <summary>
    /// Gives <paramref name="set"/>[<paramref name="tensor"/>] room for <paramref name="bytes"/>: growing straight to what
    /// recent runs needed (at least half again), or shrinking to twice that when it is under a quarter of the buffer.
    /// </summary>
    private void Fit(byte[][] set, int tensor, int bytes)
    {
        var length = set[tensor].Length;
        var recent = Math.Max(bytes, Bytes(1, tensor, _positions.Value));
        if (bytes > length)
        {
            set[tensor] = Pinned(Math.Max(recent, length + (length / 2)));
            return;
        }

        if (length > ShrinkFloor && recent < length / 4)
        {
            set[tensor] = Pinned(Math.Max(1, recent * 2));
        }
    }

    private static byte[] Pinned(int bytes) => GC.AllocateUninitializedArray<byte>(Math.Max(1, bytes), pinned: true);

    /// <summary>One run's presents: the set holding them, its rows in order, and the layout they were written in.</summary>
    private sealed record Source(byte[][] Set, SequenceCache[] Rows, int[] RowPast, int[] RowNew, int PastLength, int TotalLength)
    {
        public bool Holds(SequenceCache cache) => Array.Exists(Rows, row => ReferenceEquals(row, cache));

        /// <summary>
        /// True when the step's pasts are exactly these presents: the same rows in the same order, each having fed the
        /// full width of new tokens (so no padding sits between its past and its new positions).
        /// </summary>
        public bool Continues(DecoderStep step)
        {
            if (step.Batch != Rows.Length || step.PastLength != TotalLength)
            {
                return false;
            }

            for (var b = 0; b < Rows.Length; b++)
            {
                if (!ReferenceEquals(step.Caches[b], Rows[b]) || RowNew[b] != TotalLength - PastLength || step.RowPast[b] != RowPast[b] + RowNew[b])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
