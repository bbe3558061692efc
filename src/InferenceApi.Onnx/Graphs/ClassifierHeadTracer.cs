using InferenceApi.Onnx.Proto;

namespace InferenceApi.Onnx.Graphs;

/// <summary>
/// Finds the encoder's last hidden state in a BERT-family text classifier by walking back from the logits through
/// the classification head: <c>logits ← classifier (Gemm | MatMul [+ Add]) ← Tanh ← [pooler dense] ← x[:, 0]</c>.
/// The tensor that the [CLS] selection (Gather axis 1 index 0, or Slice 0:1 on axis 1) reads is the hidden state.
/// </summary>
/// <remarks>
/// Why the head and not "the last LayerNormalization": exports at opset &lt; 17 decompose LayerNorm into
/// ReduceMean/Sub/Pow/Sqrt/Div/Mul/Add, so there is no such node to find, while the pooler's shape is the same
/// in every BERT export. Requiring the Tanh keeps heads without a BERT pooler (ViT, GPT) from being mistaken
/// for one. Every hop must have exactly one computed input; anything else stops the walk with a message.
/// </remarks>
internal static class ClassifierHeadTracer
{
    // The longest head seen in practice is Gemm ← Tanh ← Add ← MatMul ← Squeeze ← Slice; leave room for Identity/Dropout.
    private const int MaxHeadNodes = 12;

    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal)
    {
        "Add", "Identity", "Dropout", "Squeeze", "Flatten", "Reshape", "Gemm", "MatMul", "Tanh",
    };

    public static HiddenStateTensor Trace(GraphProto graph)
    {
        if (graph.Output.Count != 1)
        {
            throw Fail($"expected one graph output (the classifier's logits) but found {graph.Output.Count}: {string.Join(", ", graph.Output.Select(o => o.Name))}");
        }

        var index = new GraphIndex(graph);
        var tensor = graph.Output[0].Name;
        var path = new List<string>();
        var sawTanh = false;
        long? hiddenSize = null;

        for (var hop = 0; hop < MaxHeadNodes; hop++)
        {
            var node = index.Producer(tensor)
                ?? throw Fail($"walking back from '{graph.Output[0].Name}' reached '{tensor}', which no node computes (path: {Describe(path)})");
            path.Add($"{node.OpType} '{node.Name}'");

            if (IsFirstPositionSelection(node, index))
            {
                if (!sawTanh)
                {
                    throw Fail($"the head selects position 0 at {node.OpType} '{node.Name}' without a Tanh pooler on the way to the logits, so it is not a BERT classifier head (path: {Describe(path)})");
                }

                return new HiddenStateTensor(node.Input[0], hiddenSize);
            }

            if (!PassThrough.Contains(node.OpType))
            {
                throw Fail($"the head reached {node.OpType} '{node.Name}', which is not part of a pooler/classifier (path: {Describe(path)})");
            }

            sawTanh |= node.OpType == "Tanh";
            var computed = node.Input.Where(i => i.Length > 0 && !index.IsConstant(i)).ToList();
            if (computed.Count != 1)
            {
                throw Fail($"{node.OpType} '{node.Name}' has {computed.Count} computed inputs where a head layer has one (path: {Describe(path)})");
            }

            hiddenSize = InputWidth(node, computed[0], index) ?? hiddenSize;
            tensor = computed[0];
        }

        throw Fail($"no [CLS] selection within {MaxHeadNodes} nodes of the output (path: {Describe(path)})");
    }

    /// <summary><c>x[:, 0]</c> as torch exports it: Gather(axis=1, indices=0) or Slice(starts=0, ends=1, axes=1).</summary>
    private static bool IsFirstPositionSelection(NodeProto node, GraphIndex index)
    {
        switch (node.OpType)
        {
            case "Gather":
                var axis = node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;
                return axis == 1 && node.Input.Count == 2 && index.Int64Values(node.Input[1]) is [0];
            case "Slice":
                return node.Input.Count >= 4
                    && index.Int64Values(node.Input[1]) is [0]
                    && index.Int64Values(node.Input[2]) is [1]
                    && index.Int64Values(node.Input[3]) is [1]
                    && (node.Input.Count < 5 || node.Input[4].Length == 0 || index.Int64Values(node.Input[4]) is [1]);
            default:
                return false;
        }
    }

    /// <summary>The feature width a Gemm/MatMul reads from its computed input, taken from its weight's shape.</summary>
    private static long? InputWidth(NodeProto node, string computedInput, GraphIndex index)
    {
        if (node.OpType is not ("Gemm" or "MatMul") || node.Input.Count < 2 || node.Input[0] != computedInput)
        {
            return null;
        }

        if (index.Initializer(node.Input[1]) is not { Dims.Count: 2 } weight)
        {
            return null;
        }

        var transposed = node.OpType == "Gemm" && node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1;
        return transposed ? weight.Dims[1] : weight.Dims[0];
    }

    private static string Describe(List<string> path) => path.Count == 0 ? "empty" : string.Join(" <- ", path);

    private static OnnxGraphException Fail(string reason) => new(
        $"Could not find the encoder's last hidden state: {reason}. Expected a BERT-style sequence classifier whose logits come from "
        + "a classifier over Tanh(pooler(hidden_states[:, 0])).");
}
