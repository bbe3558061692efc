using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Reads and checks a GPT-style graph (optimum's decoder-with-past layout): <c>input_ids</c>,
/// <c>attention_mask</c>, optional <c>position_ids</c>, <c>past_key_values.{i}.key/value</c>
/// [batch, heads, past, headDim] in; <c>logits</c> [batch, sequence, vocab] and <c>present.{i}.*</c> out.
/// A graph without past inputs is accepted too (every step then re-reads the whole sequence).
/// </summary>
public static class DecoderSignature
{
    /// <summary>The graph's cache layout, or a <see cref="ModelFolderException"/> naming every problem.</summary>
    public static DecoderShape Read(ModelSignature signature, int? vocabularyFromConfig = null)
    {
        var problems = new List<string>();
        foreach (var name in new[] { OptimumLayout.InputIds, OptimumLayout.AttentionMask })
        {
            if (signature.Input(name) is not { Element: TensorElement.Int64, Rank: 2 })
            {
                problems.Add($"input '{name}' must be int64 [batch, sequence]; it is {signature.Input(name)?.ToString() ?? "missing"}");
            }
        }

        var logits = signature.Output(OptimumLayout.Logits);
        if (logits is not { Element: TensorElement.Float32, Rank: 3 })
        {
            problems.Add($"output '{OptimumLayout.Logits}' must be float32 [batch, sequence, vocab]; it is {logits?.ToString() ?? "missing"}");
        }

        var layers = 0;
        while (signature.Input(OptimumLayout.PastKey(layers)) is not null)
        {
            layers++;
        }

        int heads = 0, headDim = 0;
        for (var layer = 0; layer < layers; layer++)
        {
            foreach (var (pastName, presentName) in new[] { (OptimumLayout.PastKey(layer), OptimumLayout.PresentKey(layer)), (OptimumLayout.PastValue(layer), OptimumLayout.PresentValue(layer)) })
            {
                var past = signature.Input(pastName);
                if (past is not { Element: TensorElement.Float32, Rank: 4 } || past.Shape[1] <= 0 || past.Shape[3] <= 0)
                {
                    problems.Add($"input '{pastName}' must be float32 [batch, heads, past, headDim] with fixed heads and headDim; it is {past?.ToString() ?? "missing"}");
                    continue;
                }

                (heads, headDim) = ((int)past.Shape[1], (int)past.Shape[3]);
                if (signature.Output(presentName) is null)
                {
                    problems.Add($"output '{presentName}' is missing: the graph takes a past but does not return the present");
                }
            }
        }

        var vocabulary = logits is { Rank: 3 } && logits.Shape[2] > 0 ? (int)logits.Shape[2] : vocabularyFromConfig ?? 0;
        if (vocabulary <= 0)
        {
            problems.Add("the vocabulary size is unknown: the logits width is dynamic and config.json has no vocab_size");
        }

        return problems.Count > 0
            ? throw new ModelFolderException(string.Join("; ", problems))
            : new DecoderShape(layers, heads, headDim, vocabulary, layers > 0, signature.Input(OptimumLayout.PositionIds) is not null);
    }
}
