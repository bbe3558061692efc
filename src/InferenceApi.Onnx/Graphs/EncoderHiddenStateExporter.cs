using Google.Protobuf;
using InferenceApi.Onnx.Proto;

namespace InferenceApi.Onnx.Graphs;

/// <summary>
/// Turns a BERT-family sequence classifier (as torch.onnx.export writes it) into a feature-extraction model: same
/// inputs, one output <c>last_hidden_state</c> float32 [batch, sequence, hidden], the classifier head pruned away.
/// The fine-tuned encoder's hidden states are what the embeddings endpoints pool.
/// </summary>
public static class EncoderHiddenStateExporter
{
    /// <summary>The output name Hugging Face feature-extraction exports use, and the one the server looks for.</summary>
    public const string OutputName = "last_hidden_state";

    /// <summary>Reads a classifier <c>model.onnx</c>, writes the derived feature-extraction model and returns it.</summary>
    /// <exception cref="OnnxGraphException">The graph has no BERT classifier head to trace the hidden state from.</exception>
    public static ModelProto Export(string classifierModelFile, string targetModelFile)
    {
        ModelProto classifier;
        using (var source = File.OpenRead(classifierModelFile))
        {
            classifier = ModelProto.Parser.ParseFrom(source);
        }

        var derived = Export(classifier);
        using var target = File.Create(targetModelFile);
        derived.WriteTo(target);
        return derived;
    }

    /// <summary>Returns a new model whose only output is the encoder's last hidden state; the argument is not changed.</summary>
    /// <exception cref="OnnxGraphException">The graph has no BERT classifier head to trace the hidden state from.</exception>
    public static ModelProto Export(ModelProto classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (classifier.Graph is null)
        {
            throw new OnnxGraphException("The model has no graph.");
        }

        var model = classifier.Clone();
        var graph = model.Graph;
        var hiddenState = ClassifierHeadTracer.Trace(graph);

        if (hiddenState.Name != OutputName)
        {
            if (new GraphIndex(graph).IsKnown(OutputName) || graph.Input.Any(i => i.Name == OutputName))
            {
                throw new OnnxGraphException($"The graph already has a tensor named '{OutputName}' that is not the encoder's last hidden state ('{hiddenState.Name}').");
            }

            graph.Node.Add(new NodeProto
            {
                Name = "/" + OutputName + "/Identity",
                OpType = "Identity",
                Input = { hiddenState.Name },
                Output = { OutputName },
            });
        }

        graph.Output.Clear();
        graph.Output.Add(OutputInfo(graph, hiddenState.HiddenSize));
        GraphPruner.Prune(graph);
        return model;
    }

    /// <summary>float32 [batch, sequence, hidden], with input_ids' own batch and sequence dimensions when it has them.</summary>
    private static ValueInfoProto OutputInfo(GraphProto graph, long? hiddenSize)
    {
        var inputDims = graph.Input.FirstOrDefault(i => i.Name == "input_ids")?.Type?.TensorType?.Shape?.Dim;
        var batch = inputDims is { Count: 2 } ? inputDims[0].Clone() : new TensorShapeProto.Types.Dimension { DimParam = "batch_size" };
        var sequence = inputDims is { Count: 2 } ? inputDims[1].Clone() : new TensorShapeProto.Types.Dimension { DimParam = "sequence_length" };
        var hidden = hiddenSize is { } size
            ? new TensorShapeProto.Types.Dimension { DimValue = size }
            : new TensorShapeProto.Types.Dimension { DimParam = "hidden_size" };

        return new ValueInfoProto
        {
            Name = OutputName,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor
                {
                    ElemType = (int)TensorProto.Types.DataType.Float,
                    Shape = new TensorShapeProto { Dim = { batch, sequence, hidden } },
                },
            },
        };
    }
}
