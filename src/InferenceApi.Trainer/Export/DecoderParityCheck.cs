using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Models;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// The parity check every decoder export passes before it is published, whatever the architecture: left-pad the
/// prompts (as the server right-aligns a batch), run the prefill and <see cref="Steps"/> greedy decode steps through
/// TorchSharp and ONNX Runtime, each fed its own presents back, and compare logits at every step and the final
/// presents at every real (unmasked) position; then run each prompt alone and compare its last logits with its row of
/// the padded batch. Padded positions are left out: their queries see no key at all, so what they compute is noise
/// that the mask keeps out of every real position (and in float16, scores rounded next to the −10⁴ mask bias differ
/// between any two implementations). The graph's
/// inputs are optimum's decoder-with-past layout (with or without <c>position_ids</c>, merged or not); its cache and
/// logits are float32 or float16 (<see cref="DecoderPrecision"/>), compared in float32 against a reference model of the
/// same precision.
/// </summary>
public static class DecoderParityCheck
{
    public const int Steps = 4;

    /// <param name="reference">The TorchSharp model (for a float16 export, one with its weights rounded to float16: <see cref="LlamaOnnxExporter.Float16WeightsCopy"/>).</param>
    public static DecoderParity Run(CausalDecoder reference, byte[] onnx, IReadOnlyList<int[]> prompts, DecoderPrecision precision)
    {
        var batch = prompts.Where(p => p.Length > 0).Take(8).ToArray();
        if (batch.Length == 0)
        {
            throw new ArgumentException("parity check needs at least one non-empty prompt", nameof(prompts));
        }

        if (batch.Max(p => p.Length) + Steps > reference.MaxPositions)
        {
            throw new ArgumentException($"parity prompts must leave {Steps} positions of the {reference.MaxPositions}-token context", nameof(prompts));
        }

        reference.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var options = Int8Kernels.NewSessionOptions();
        using var session = new InferenceSession(onnx, options);
        var graph = new GraphRunner(session, reference, precision);
        var step = DecodeBatch.Prefill(batch);
        var lastMask = step.Mask;
        (Tensor Key, Tensor Value)[]? torchPast = null;
        byte[][]? onnxPast = null;
        double diff = 0;
        double scale = 0;
        float[]? firstLogits = null;
        for (var s = 0; s <= Steps; s++)
        {
            var (torchLogits, present) = reference.Step(
                tensor(step.Ids, step.IdsShape), tensor(step.Mask, step.MaskShape), tensor(step.Positions, step.IdsShape), torchPast);
            torchPast = present;
            var (actual, onnxPresent) = graph.Run(step, onnxPast);
            onnxPast = onnxPresent;
            var expected = Floats(torchLogits);
            diff = Math.Max(diff, Compare(expected, actual, step.RealPositions(), reference.VocabularySize));
            scale = Math.Max(scale, ModelFolderPublisher.MaxAbs(expected));
            firstLogits ??= actual;
            lastMask = step.Mask;

            var next = torchLogits.select(1, -1).argmax(-1).data<long>().ToArray();
            step = step.Next(next);
        }

        // Presents are [batch, kvHeads, total, headDim]: position t of row b is real where the last mask has a 1.
        var total = lastMask.Length / batch.Length;
        var real = Enumerable.Range(0, batch.Length * reference.KeyValueHeads * total)
            .Where(i => lastMask[(i / (reference.KeyValueHeads * total) * total) + (i % total)] == 1).ToArray();
        for (var layer = 0; layer < reference.Layers; layer++)
        {
            diff = Math.Max(diff, Compare(Floats(torchPast![layer].Key), graph.Widen(onnxPast![2 * layer]), real, reference.HeadSize));
            diff = Math.Max(diff, Compare(Floats(torchPast[layer].Value), graph.Widen(onnxPast[(2 * layer) + 1]), real, reference.HeadSize));
        }

        return new DecoderParity(diff, PaddedVsAlone(graph, reference.VocabularySize, batch, firstLogits!), Steps) { Scale = scale };
    }

    private static double PaddedVsAlone(GraphRunner graph, int vocabulary, int[][] batch, float[] batchLogits)
    {
        var width = batch.Max(p => p.Length);
        double diff = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var (alone, _) = graph.Run(DecodeBatch.Prefill([batch[i]]), null);
            var last = alone.AsSpan(alone.Length - vocabulary);
            diff = Math.Max(diff, ModelFolderPublisher.MaxAbsDiff(last, batchLogits, ((i * width) + width - 1) * vocabulary));
        }

        return diff;
    }

    private static float[] Floats(Tensor tensor)
    {
        using var widened = tensor.to_type(ScalarType.Float32).contiguous();
        return widened.data<float>().ToArray();
    }

    /// <summary>Max abs diff over the blocks of <paramref name="width"/> values at <paramref name="blocks"/> (the real positions).</summary>
    private static double Compare(float[] expected, float[] actual, int[] blocks, int width)
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidDataException($"parity check failed: ONNX Runtime gave {actual.Length} values, TorchSharp {expected.Length}");
        }

        double diff = 0;
        foreach (var block in blocks)
        {
            diff = Math.Max(diff, ModelFolderPublisher.MaxAbsDiff(expected.AsSpan(block * width, width), actual, block * width));
        }

        return diff;
    }

    /// <summary>Runs the graph with its cache as raw bytes in the graph's own type, and returns float32 logits.</summary>
    private sealed class GraphRunner(InferenceSession session, CausalDecoder model, DecoderPrecision precision)
    {
        private readonly TensorElementType type = precision == DecoderPrecision.Float16 ? TensorElementType.Float16 : TensorElementType.Float;
        private readonly int size = precision == DecoderPrecision.Float16 ? 2 : sizeof(float);

        public (float[] Logits, byte[][] Present) Run(DecodeBatch step, byte[][]? past)
        {
            var batch = step.IdsShape[0];
            var pastLength = step.MaskShape[1] - step.IdsShape[1];
            var names = new List<string> { OptimumLayout.InputIds, OptimumLayout.AttentionMask };
            var values = new List<OrtValue>
            {
                OrtValue.CreateTensorValueFromMemory(step.Ids, step.IdsShape),
                OrtValue.CreateTensorValueFromMemory(step.Mask, step.MaskShape),
            };
            if (session.InputMetadata.ContainsKey(OptimumLayout.PositionIds))
            {
                names.Add(OptimumLayout.PositionIds);
                values.Add(OrtValue.CreateTensorValueFromMemory(step.Positions, step.IdsShape));
            }

            if (session.InputMetadata.ContainsKey(OptimumLayout.UseCacheBranch))
            {
                names.Add(OptimumLayout.UseCacheBranch);
                values.Add(OrtValue.CreateTensorValueFromMemory(new[] { pastLength > 0 }, [1]));
            }

            var outputs = new List<string> { OptimumLayout.Logits };
            var pins = new List<GCHandle>();
            try
            {
                for (var layer = 0; layer < model.Layers; layer++)
                {
                    foreach (var (pastName, presentName, index) in new[] { (OptimumLayout.PastKey(layer), OptimumLayout.PresentKey(layer), 2 * layer), (OptimumLayout.PastValue(layer), OptimumLayout.PresentValue(layer), (2 * layer) + 1) })
                    {
                        var bytes = past?[index] ?? [0];
                        var pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
                        pins.Add(pin);
                        names.Add(pastName);
                        values.Add(OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type,
                            [batch, model.KeyValueHeads, pastLength, model.HeadSize], pin.AddrOfPinnedObject(), past is null ? 0 : bytes.Length));
                        outputs.Add(presentName);
                    }
                }

                using var runOptions = new RunOptions();
                using var results = session.Run(runOptions, names, values, outputs);
                var present = new byte[2 * model.Layers][];
                for (var i = 0; i < present.Length; i++)
                {
                    present[i] = results[i + 1].GetTensorMutableRawData().ToArray();
                }

                return (Widen(results[0].GetTensorMutableRawData().ToArray()), present);
            }
            finally
            {
                values.ForEach(v => v.Dispose());
                pins.ForEach(p => p.Free());
            }
        }

        /// <summary>Raw tensor bytes of the graph's float type as float32.</summary>
        public float[] Widen(byte[] raw) => size == sizeof(float)
            ? MemoryMarshal.Cast<byte, float>(raw).ToArray()
            : [.. MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h)];
    }

    /// <summary>One step's inputs: left-padded ids and positions [batch, new], the mask over past + new.</summary>
    private sealed record DecodeBatch(long[] Ids, long[] Positions, long[] IdsShape, long[] Mask, long[] MaskShape, long[] NextPosition)
    {
        public static DecodeBatch Prefill(int[][] prompts)
        {
            var width = prompts.Max(p => p.Length);
            var ids = new long[prompts.Length * width];
            var positions = new long[ids.Length];
            var mask = new long[ids.Length];
            var next = new long[prompts.Length];
            for (var b = 0; b < prompts.Length; b++)
            {
                var offset = width - prompts[b].Length;
                for (var i = 0; i < prompts[b].Length; i++)
                {
                    ids[(b * width) + offset + i] = prompts[b][i];
                    positions[(b * width) + offset + i] = i;
                    mask[(b * width) + offset + i] = 1;
                }

                next[b] = prompts[b].Length;
            }

            return new DecodeBatch(ids, positions, [prompts.Length, width], mask, [prompts.Length, width], next);
        }

        /// <summary>Indexes b·new + j of the new tokens that are real (not left padding).</summary>
        public int[] RealPositions()
        {
            var (batch, fresh, total) = ((int)IdsShape[0], (int)IdsShape[1], (int)MaskShape[1]);
            return [.. Enumerable.Range(0, batch * fresh).Where(i => Mask[(i / fresh * total) + (total - fresh) + (i % fresh)] == 1)];
        }

        /// <summary>The following step: one new token per sequence, the mask one wider.</summary>
        public DecodeBatch Next(long[] tokens)
        {
            var batch = tokens.Length;
            var oldWidth = MaskShape[1];
            var mask = new long[batch * (oldWidth + 1)];
            for (var b = 0; b < batch; b++)
            {
                Array.Copy(Mask, b * oldWidth, mask, b * (oldWidth + 1), oldWidth);
                mask[(b * (oldWidth + 1)) + oldWidth] = 1;
            }

            return new DecodeBatch(tokens, (long[])NextPosition.Clone(), [batch, 1], mask, [batch, oldWidth + 1], NextPosition.Select(p => p + 1).ToArray());
        }
    }
}
