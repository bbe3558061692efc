using System.Buffers.Binary;
using InferenceApi.Onnx.Proto;

namespace InferenceApi.Onnx.Graphs;

/// <summary>
/// Look-ups over one graph: which node produces a tensor, which tensors are constants, and the values of small
/// integer constants. torch.onnx.export aliases shared weights through Identity nodes (e.g. every LayerNorm
/// weight of a freshly initialised model is an Identity of one initializer), so constants are followed through them.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        foreach (var initializer in graph.Initializer)
        {
            initializers[initializer.Name] = initializer;
        }
    }

    /// <summary>Whether some node, initializer or graph input already uses this name.</summary>
    public bool IsKnown(string name) => producers.ContainsKey(name) || initializers.ContainsKey(name);

    public NodeProto? Producer(string tensor) => producers.GetValueOrDefault(tensor);

    public bool IsConstant(string tensor)
    {
        if (initializers.ContainsKey(tensor))
        {
            return true;
        }

        return Producer(tensor) switch
        {
            { OpType: "Constant" } => true,
            { OpType: "Identity" } identity => IsConstant(identity.Input[0]),
            _ => false,
        };
    }

    /// <summary>The initializer behind a tensor, following Identity aliases; null when it is computed.</summary>
    public TensorProto? Initializer(string tensor)
    {
        if (initializers.TryGetValue(tensor, out var initializer))
        {
            return initializer;
        }

        return Producer(tensor) is { OpType: "Identity" } identity ? Initializer(identity.Input[0]) : null;
    }

    /// <summary>The values of an integer constant (initializer or Constant node), or null when it is not one.</summary>
    public long[]? Int64Values(string tensor)
    {
        if (Initializer(tensor) is { } initializer)
        {
            return ToInt64(initializer);
        }

        var node = Producer(tensor);
        if (node is not { OpType: "Constant" })
        {
            return node is { OpType: "Identity" } identity ? Int64Values(identity.Input[0]) : null;
        }

        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Name)
            {
                case "value":
                    return ToInt64(attribute.T);
                case "value_int":
                    return [attribute.I];
                case "value_ints":
                    return [.. attribute.Ints];
            }
        }

        return null;
    }

    private static long[]? ToInt64(TensorProto tensor)
    {
        var raw = tensor.RawData.Span;
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Int64 when raw.Length > 0:
                var longs = new long[raw.Length / sizeof(long)];
                for (var i = 0; i < longs.Length; i++)
                {
                    longs[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * sizeof(long))..]);
                }

                return longs;
            case TensorProto.Types.DataType.Int64:
                return [.. tensor.Int64Data];
            case TensorProto.Types.DataType.Int32 when raw.Length > 0:
                var ints = new long[raw.Length / sizeof(int)];
                for (var i = 0; i < ints.Length; i++)
                {
                    ints[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * sizeof(int))..]);
                }

                return ints;
            case TensorProto.Types.DataType.Int32:
                return [.. tensor.Int32Data.Select(v => (long)v)];
            default:
                return null;
        }
    }
}
