using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Turns a decoder with past into the legacy merged layout optimum wrote before 1.14: the same inputs plus a bool
/// <c>use_cache_branch</c> [1], and one <c>If</c> whose then-branch is the decoder as it is and whose else-branch runs
/// it with an empty past (the past inputs sliced to length 0), so that a runtime feeding the flag wrongly during
/// decoding loses its cache and shows it. Both branches read the outer graph's inputs and initializers.
/// </summary>
public static class MergedDecoderGraph
{
    public static ModelProto Wrap(ModelProto decoder)
    {
        var plain = decoder.Graph;
        var main = new GraphProto { Name = "merged" };
        main.Input.AddRange(plain.Input);
        main.Input.Add(Tensor(TensorProto.Types.DataType.Bool, OptimumLayout.UseCacheBranch, 1));
        main.Output.AddRange(plain.Output);
        main.Initializer.AddRange(plain.Initializer);

        var pastInputs = plain.Input.Select(i => i.Name).Where(n => n.StartsWith(OptimumLayout.PastPrefix, StringComparison.Ordinal)).ToHashSet();
        var withPast = Branch(plain, "with_past", []);
        var noPast = Branch(plain, "no_past", pastInputs);

        var branch = new NodeProto { OpType = "If", Name = "use_cache_branch_if" };
        branch.Input.Add(OptimumLayout.UseCacheBranch);
        branch.Output.AddRange(plain.Output.Select(o => o.Name));
        branch.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = withPast });
        branch.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = noPast });
        main.Node.Add(branch);

        var merged = new ModelProto { IrVersion = decoder.IrVersion, ProducerName = decoder.ProducerName, Graph = main };
        merged.OpsetImport.AddRange(decoder.OpsetImport);
        return merged;
    }

    /// <summary>
    /// The decoder's nodes as a subgraph, every value renamed with <paramref name="suffix"/> (a subgraph may not redefine
    /// a name of the outer graph, where the If's outputs carry the plain names); <paramref name="emptied"/> past inputs
    /// are read as length-0 slices.
    /// </summary>
    private static GraphProto Branch(GraphProto plain, string suffix, HashSet<string> emptied)
    {
        var graph = new GraphProto { Name = suffix };
        var renamed = plain.Node.SelectMany(n => n.Output).ToDictionary(o => o, o => $"{o}/{suffix}");
        if (emptied.Count > 0)
        {
            var zero = Constant(graph, $"{suffix}/zero", 0);
            var axis = Constant(graph, $"{suffix}/axis", 2);
            foreach (var past in emptied)
            {
                var empty = new NodeProto { OpType = "Slice", Name = $"{past}/{suffix}/empty" };
                empty.Input.AddRange([past, zero, zero, axis]);
                empty.Output.Add(renamed[past] = $"{past}/{suffix}/empty");
                graph.Node.Add(empty);
            }
        }

        foreach (var node in plain.Node)
        {
            var copy = node.Clone();
            copy.Name = $"{node.Name}/{suffix}";
            for (var i = 0; i < copy.Input.Count; i++)
            {
                copy.Input[i] = renamed.GetValueOrDefault(copy.Input[i], copy.Input[i]);
            }

            for (var i = 0; i < copy.Output.Count; i++)
            {
                copy.Output[i] = renamed[copy.Output[i]];
            }

            graph.Node.Add(copy);
        }

        foreach (var output in plain.Output)
        {
            var branchOutput = output.Clone();
            branchOutput.Name = renamed[output.Name];
            graph.Output.Add(branchOutput);
        }

        return graph;
    }

    private static string Constant(GraphProto graph, string name, long value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(1);
        tensor.Int64Data.Add(value);
        var node = new NodeProto { OpType = "Constant", Name = name };
        node.Output.Add(name);
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
        graph.Node.Add(node);
        return name;
    }
}
