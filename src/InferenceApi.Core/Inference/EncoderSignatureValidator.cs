using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Inference;

/// <summary>
/// Checks a BERT-family graph against what its task needs, before any session is opened, and says
/// exactly what is wrong: names, element types, ranks, and the label count against the logits width.
/// </summary>
public static class EncoderSignatureValidator
{
    private static readonly string[] KnownInputs = [OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.TokenTypeIds];

    /// <summary>The output to read, or throws <see cref="ModelFolderException"/> with every problem found.</summary>
    public static string Validate(ModelSignature signature, ModelTask task, int labelCount)
    {
        var problems = new List<string>();
        RequireTokenInput(signature, OptimumLayout.InputIds, required: true, problems);
        RequireTokenInput(signature, OptimumLayout.AttentionMask, required: true, problems);
        RequireTokenInput(signature, OptimumLayout.TokenTypeIds, required: false, problems);
        foreach (var input in signature.Inputs.Where(i => !KnownInputs.Contains(i.Name)))
        {
            problems.Add($"unexpected input '{input.Name}': an encoder is fed only {string.Join(", ", KnownInputs)}");
        }

        var outputName = task == ModelTask.TextClassification ? OptimumLayout.Logits : OptimumLayout.LastHiddenState;
        var expectedRank = task == ModelTask.TextClassification ? 2 : 3;
        var output = signature.Output(outputName);
        if (output is null)
        {
            problems.Add($"a {task.ToName()} model must have output '{outputName}'; this one has {string.Join(", ", signature.Outputs)}");
        }
        else
        {
            if (output.Element != TensorElement.Float32)
            {
                problems.Add($"output '{outputName}' must be float32; it is {output.Element}");
            }

            if (output.Rank != expectedRank)
            {
                problems.Add($"output '{outputName}' must have rank {expectedRank}; it has shape {output}");
            }
            else if (task == ModelTask.TextClassification && output.Shape[1] > 0 && labelCount > 0 && output.Shape[1] != labelCount)
            {
                problems.Add($"config.json id2label has {labelCount} labels but output '{outputName}' has width {output.Shape[1]}");
            }
        }

        if (task == ModelTask.TextClassification && labelCount == 0 && (output is null || output.Rank != 2 || output.Shape[1] <= 0))
        {
            problems.Add("config.json has no id2label and the logits width is not fixed, so the labels are unknown");
        }

        return problems.Count == 0 ? outputName : throw new ModelFolderException(string.Join("; ", problems));
    }

    private static void RequireTokenInput(ModelSignature signature, string name, bool required, List<string> problems)
    {
        var input = signature.Input(name);
        if (input is null)
        {
            if (required)
            {
                problems.Add($"missing input '{name}' (int64 [batch, sequence])");
            }

            return;
        }

        if (input.Element != TensorElement.Int64 || input.Rank != 2)
        {
            problems.Add($"input '{name}' must be int64 [batch, sequence]; it is {input}");
        }
    }
}
