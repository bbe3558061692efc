using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Models;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>Greedy decoding two ways: TorchSharp re-running the whole sequence (the plainest reference) and the server's own decoder path.</summary>
internal static class DecoderReference
{
    /// <summary>
    /// The repetition penalty the varied-token tests decode with: every token already in the sequence is penalised
    /// (transformers' rule), so greedy decoding cannot settle into a one-token loop and every step's argmax depends on
    /// the positions and cache being right.
    /// </summary>
    public const float Penalty = 3f;

    /// <summary>
    /// Greedy ids after <paramref name="prompt"/>, re-running the whole sequence each step (no cache); stops after any of
    /// <paramref name="stopIds"/> if it comes. The logits are widened to float32 and <paramref name="penalty"/> applied
    /// before the argmax, as the server's sampler does.
    /// </summary>
    public static int[] GreedyInTorch(CausalDecoder model, int[] prompt, int steps, IReadOnlySet<int>? stopIds = null, float penalty = 1f)
    {
        model.eval();
        using var noGrad = no_grad();
        var ids = prompt.Select(i => (long)i).ToList();
        for (var s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(ids.ToArray(), [1, ids.Count]))[0, -1].to_type(ScalarType.Float32).data<float>().ToArray();
            ids.Add(PenalisedArgMax(logits, ids.Select(i => (int)i), penalty));
            if (stopIds?.Contains((int)ids[^1]) == true)
            {
                break;
            }
        }

        return [.. ids.Skip(prompt.Length).Select(i => (int)i)];
    }

    /// <summary>Opens a published folder's model.onnx as the server does: the layout read from the graph and config.json.</summary>
    public static IDecoderSession OpenServed(string folder)
    {
        var backend = new OnnxBackend(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance));
        var onnx = InferenceApi.Core.Models.ModelFolderScanner.FindModelFile(folder)!;
        var shape = DecoderSignature.Read(backend.ReadSignature(onnx), InferenceApi.Core.Models.HfModelConfig.Load(Path.Combine(folder, "config.json")));
        return backend.OpenDecoder(onnx, shape, new SessionSettings(ExecutionProvider.Cpu, 1, 1, 0));
    }

    /// <summary>The server's decode loop without its scheduler: right-aligned shared steps over per-sequence caches.</summary>
    public static int[][] GreedyThroughServerPath(IDecoderSession session, int[][] prompts, int steps, float penalty = 1f)
    {
        var shape = session.Shape;
        var caches = prompts.Select(_ => new SequenceCache()).ToArray();
        var generated = prompts.Select(_ => new List<int>()).ToArray();
        for (var s = 0; s < steps; s++)
        {
            var rows = prompts.Select((p, i) => s == 0 ? new DecoderRow(caches[i], p, 0) : new DecoderRow(caches[i], [generated[i][^1]], caches[i].Length)).ToList();
            using var step = DecoderBatchAssembler.Assemble(shape, rows, padTokenId: 0);
            session.Run(step);
            DecoderBatchAssembler.Absorb(step, rows);
            for (var r = 0; r < rows.Count; r++)
            {
                var logits = step.Logits(r).ToArray();
                generated[r].Add(PenalisedArgMax(logits, prompts[r].Concat(generated[r]), penalty));
            }
        }

        return [.. generated.Select(g => g.ToArray())];
    }

    /// <summary>transformers' repetition penalty (divide a seen token's positive logit, multiply a negative one, once per id), then the lowest id of the largest logit.</summary>
    private static int PenalisedArgMax(float[] logits, IEnumerable<int> seen, float penalty)
    {
        foreach (var id in seen.Distinct())
        {
            logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
        }

        var best = 0;
        for (var v = 1; v < logits.Length; v++)
        {
            best = logits[v] > logits[best] ? v : best;
        }

        return best;
    }
}
