using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// An embeddings (feature-extraction) model folder made from the independent BERT classifier fixture, so the embeddings
/// routes run a graph our trainer did not write: the fixture's graph with the tensor its classifier head reads (the
/// last layer's final LayerNorm) exposed as <c>last_hidden_state</c>, and a config naming the base architecture
/// without labels.
/// </summary>
internal static class EmbedderFolder
{
    private const string EncoderOutput = "/layers.1/norm2/Add_1_output_0";
    private const int HiddenSize = 32;

    public static void Create(string classifierFolder, string target)
    {
        InferenceApiFactory.CopyDirectory(classifierFolder, target);
        var modelFile = Path.Combine(target, "model.onnx");
        ModelProto model;
        using (var source = File.OpenRead(modelFile))
        {
            model = ModelProto.Parser.ParseFrom(source);
        }

        var graph = model.Graph;
        var ids = graph.Input.Single(i => i.Name == OptimumLayout.InputIds).Type.TensorType.Shape.Dim;
        graph.Node.Add(new NodeProto { Name = "/last_hidden_state/Identity", OpType = "Identity", Input = { EncoderOutput }, Output = { OptimumLayout.LastHiddenState } });
        graph.Output.Add(new ValueInfoProto
        {
            Name = OptimumLayout.LastHiddenState,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor
                {
                    ElemType = (int)TensorProto.Types.DataType.Float,
                    Shape = new TensorShapeProto { Dim = { ids[0].Clone(), ids[1].Clone(), new TensorShapeProto.Types.Dimension { DimValue = HiddenSize } } },
                },
            },
        });
        File.WriteAllBytes(modelFile, model.ToByteArray());

        var configFile = Path.Combine(target, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configFile))!.AsObject();
        config["architectures"] = new JsonArray("BertModel");
        config.Remove("id2label");
        config.Remove("label2id");
        File.WriteAllText(configFile, config.ToJsonString());
    }
}
