using System.Globalization;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Reads and checks a decoder graph in optimum's decoder-with-past layout, whatever the architecture (GPT-2, Llama,
/// Qwen, Mistral, Phi…): <c>input_ids</c>, <c>attention_mask</c>, optional <c>position_ids</c>, optional
/// <c>use_cache_branch</c> (a legacy merged decoder), <c>past_key_values.{i}.key/value</c> [batch, kvHeads, past, headDim]
/// in; <c>logits</c> [batch, sequence, vocab] and <c>present.{i}.key/value</c> out. Key/value heads and head size are
/// read per tensor from the past inputs (grouped-query attention needs nothing else), from <c>config.json</c> where
/// the graph leaves them symbolic; caches and logits may be float32 or float16. A graph without past inputs is
/// accepted too (every step then re-reads the whole sequence). Anything the server could not feed correctly is
/// refused with the reason.
/// </summary>
public static class DecoderSignature
{
    private static readonly string[] Kinds = ["key", "value"];
    private static readonly string[] Fed = [OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.PositionIds, OptimumLayout.UseCacheBranch];

    /// <summary>The graph's layout, or a <see cref="ModelFolderException"/> naming every problem.</summary>
    public static DecoderShape Read(ModelSignature signature, HfModelConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        config ??= new HfModelConfig();
        var problems = new List<string>();
        foreach (var name in new[] { OptimumLayout.InputIds, OptimumLayout.AttentionMask })
        {
            if (signature.Input(name) is not { Element: TensorElement.Int64, Rank: 2 })
            {
                problems.Add($"input '{name}' must be int64 [batch, sequence]; it is {signature.Input(name)?.ToString() ?? "missing"}");
            }
        }

        foreach (var name in new[] { OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.PositionIds })
        {
            if (signature.Input(name) is { Rank: 2 } fixedLength && fixedLength.Shape[1] > 0)
            {
                problems.Add($"input '{name}' has a fixed sequence length of {fixedLength.Shape[1]} (a static-shape export); the server feeds prompts and single decode steps: export with dynamic axes");
            }
        }

        var batch = FixedBatch(signature);
        if (batch is > 1)
        {
            problems.Add($"the graph fixes the batch size at {batch}; the server runs 1 to n sequences per step: export with a dynamic batch axis (or a batch of 1)");
        }

        var positions = signature.Input(OptimumLayout.PositionIds);
        if (positions is not null and not { Element: TensorElement.Int64, Rank: 2 })
        {
            problems.Add($"input 'position_ids' must be int64 [batch, sequence]; it is {positions}");
        }

        var branch = signature.Input(OptimumLayout.UseCacheBranch);
        if (branch is not null and not { Element: TensorElement.Bool, Rank: 1 })
        {
            problems.Add($"input 'use_cache_branch' must be bool [1] (optimum's merged decoder); it is {branch}");
        }

        var logits = signature.Output(OptimumLayout.Logits);
        if (logits is not { Element: TensorElement.Float32 or TensorElement.Float16, Rank: 3 })
        {
            problems.Add($"output 'logits' must be float32 or float16 [batch, sequence, vocab]; it is {logits?.ToString() ?? "missing"}");
        }

        var layers = CountLayers(signature, problems);
        var tensors = new List<KvTensorShape>(layers * 2);
        var elements = new HashSet<TensorElement>();
        for (var layer = 0; layer < layers; layer++)
        {
            tensors.Add(ReadPast(signature, config, OptimumLayout.PastKey(layer), OptimumLayout.PresentKey(layer), elements, problems));
            tensors.Add(ReadPast(signature, config, OptimumLayout.PastValue(layer), OptimumLayout.PresentValue(layer), elements, problems));
        }

        foreach (var input in signature.Inputs.Where(i => !Fed.Contains(i.Name) && !i.Name.StartsWith(OptimumLayout.PastPrefix, StringComparison.Ordinal)))
        {
            problems.Add(input.Name.StartsWith("past", StringComparison.Ordinal)
                ? $"input '{input.Name}' is a past in a layout the server does not feed: it needs one key and one value per layer named past_key_values.{{i}}.key/value [batch, heads, past, headDim] (optimum's layout)"
                : $"input '{input.Name}' ({input}) is not one the server feeds a decoder (input_ids, attention_mask, position_ids, use_cache_branch, past_key_values.{{i}}.key/value)");
        }

        if (elements.Count > 1)
        {
            problems.Add($"past inputs mix element types ({string.Join(", ", elements)}); the cache must have one type");
        }

        if (layers == 0 && branch is not null)
        {
            problems.Add("input 'use_cache_branch' without past inputs: a merged decoder must take past_key_values.{i}.key/value");
        }

        var vocabulary = logits is { Rank: 3 } && logits.Shape[2] > 0 ? (int)logits.Shape[2] : config.VocabularySize ?? 0;
        if (vocabulary <= 0)
        {
            problems.Add("the vocabulary size is unknown: the logits width is dynamic and config.json has no vocab_size");
        }

        return problems.Count > 0
            ? throw new ModelFolderException(string.Join("; ", problems))
            : new DecoderShape(
                tensors,
                vocabulary,
                elements.Count == 1 ? elements.Single() : TensorElement.Float32,
                logits!.Element,
                positions is not null,
                branch is not null,
                batch);
    }

    /// <summary>Layers are numbered 0…n−1, each with a key and a value; a gap or a lone half is refused.</summary>
    private static int CountLayers(ModelSignature signature, List<string> problems)
    {
        var found = new SortedSet<int>();
        foreach (var input in signature.Inputs.Where(i => i.Name.StartsWith(OptimumLayout.PastPrefix, StringComparison.Ordinal)))
        {
            var parts = input.Name[OptimumLayout.PastPrefix.Length..].Split('.');
            if (parts.Length != 2 || !Kinds.Contains(parts[1]) || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
            {
                problems.Add($"input '{input.Name}' is not named past_key_values.{{layer}}.key or .value");
                continue;
            }

            found.Add(layer);
        }

        for (var layer = 0; layer < found.Count; layer++)
        {
            if (!found.Contains(layer))
            {
                problems.Add($"past inputs skip layer {layer}: layers must be numbered 0…{found.Max}");
                return 0;
            }

            foreach (var name in new[] { OptimumLayout.PastKey(layer), OptimumLayout.PastValue(layer) })
            {
                if (signature.Input(name) is null)
                {
                    problems.Add($"input '{name}' is missing: every layer needs a key and a value");
                }
            }
        }

        return found.Count;
    }

    private static KvTensorShape ReadPast(ModelSignature signature, HfModelConfig config, string name, string presentName, HashSet<TensorElement> elements, List<string> problems)
    {
        var past = signature.Input(name);
        if (past is null)
        {
            return default;
        }

        if (past is not { Element: TensorElement.Float32 or TensorElement.Float16, Rank: 4 })
        {
            problems.Add($"input '{name}' must be float32 or float16 [batch, heads, past, headDim]; it is {past}" +
                (past.Element == TensorElement.Other ? " (bfloat16 and quantized caches are not served: export the cache as float16 or float32)" : ""));
            return default;
        }

        elements.Add(past.Element);
        if (past.Shape[2] > 0)
        {
            problems.Add($"input '{name}' has a fixed past length of {past.Shape[2]} (a past/present buffer shared across steps, as onnxruntime-genai's model builder can write); " +
                "the server grows each sequence's cache itself: export with a dynamic past length");
        }

        // Symbolic dimensions fall back to config.json, as transformers computes them.
        var heads = past.Shape[1] > 0 ? (int)past.Shape[1] : config.KeyValueHeads ?? config.AttentionHeads;
        var headDim = past.Shape[3] > 0 ? (int)past.Shape[3]
            : config.HeadDim ?? (config.HiddenSize is { } hidden && config.AttentionHeads is > 0 and var attention ? hidden / attention : null);
        if (heads is not > 0 || headDim is not > 0)
        {
            problems.Add($"input '{name}' ({past}) leaves its heads or head size symbolic and config.json does not give them (num_key_value_heads, head_dim or hidden_size / num_attention_heads)");
            return default;
        }

        var present = signature.Output(presentName);
        if (present is null)
        {
            problems.Add($"output '{presentName}' is missing: the graph takes a past but does not return the present");
        }
        else if (present.Element != past.Element)
        {
            problems.Add($"output '{presentName}' is {present.Element} but '{name}' is {past.Element}: the present is fed back as the next past");
        }

        return new KvTensorShape(heads.Value, headDim.Value);
    }

    /// <summary>The batch size when the graph fixes it (1: an export for one sequence at a time, served without batching), else null.</summary>
    private static int? FixedBatch(ModelSignature signature)
    {
        var fixedSizes = signature.Inputs.Where(i => i.Rank >= 2 && i.Shape[0] > 0 && (i.Name == OptimumLayout.InputIds || i.Name.StartsWith(OptimumLayout.PastPrefix, StringComparison.Ordinal)))
            .Select(i => (int)i.Shape[0]).ToList();
        return fixedSizes.Count > 0 ? fixedSizes.Min() : null;
    }
}
