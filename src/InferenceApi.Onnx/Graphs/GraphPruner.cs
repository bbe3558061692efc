using InferenceApi.Onnx.Proto;

namespace InferenceApi.Onnx.Graphs;

/// <summary>
/// Drops every node, initializer and value_info that the graph's outputs do not depend on. The graph inputs
/// that are not initializers stay, so the model keeps its signature even if one input goes unused.
/// </summary>
internal static class GraphPruner
{
    public static void Prune(GraphProto graph)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();

        // ONNX keeps nodes in topological order, so one backwards pass sees every consumer before its producers.
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (!node.Output.Any(needed.Contains))
            {
                continue;
            }

            kept.Add(node);
            foreach (var input in node.Input.Where(input => input.Length > 0))
            {
                needed.Add(input);
            }

            // If/Loop/Scan bodies may read outer-scope tensors by name without listing them as inputs.
            foreach (var subgraph in node.Attribute.SelectMany(a => a.Graphs.Append(a.G)).Where(g => g is not null))
            {
                AddSubgraphReads(subgraph, needed);
            }
        }

        kept.Reverse();
        var alive = new HashSet<string>(needed, StringComparer.Ordinal);
        alive.UnionWith(kept.SelectMany(n => n.Output));
        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        Replace(graph.Node, kept);
        Replace(graph.Initializer, graph.Initializer.Where(t => needed.Contains(t.Name)).ToList());
        Replace(graph.SparseInitializer, graph.SparseInitializer.Where(t => needed.Contains(t.Values.Name)).ToList());
        Replace(graph.Input, graph.Input.Where(i => !initializerNames.Contains(i.Name) || needed.Contains(i.Name)).ToList());
        Replace(graph.ValueInfo, graph.ValueInfo.Where(v => alive.Contains(v.Name)).ToList());
        Replace(graph.QuantizationAnnotation, graph.QuantizationAnnotation.Where(q => alive.Contains(q.TensorName)).ToList());
    }

    private static void AddSubgraphReads(GraphProto subgraph, HashSet<string> needed)
    {
        foreach (var node in subgraph.Node)
        {
            needed.UnionWith(node.Input.Where(input => input.Length > 0));
            foreach (var inner in node.Attribute.SelectMany(a => a.Graphs.Append(a.G)).Where(g => g is not null))
            {
                AddSubgraphReads(inner, needed);
            }
        }
    }

    private static void Replace<T>(Google.Protobuf.Collections.RepeatedField<T> field, List<T> items)
    {
        field.Clear();
        field.AddRange(items);
    }
}
