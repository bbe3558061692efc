using Google.Protobuf;
using InferenceApi.Onnx.Graphs;
using InferenceApi.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Onnx.Tests.Graphs;

public sealed class EncoderHiddenStateExporterTests
{
    private const int HiddenSize = 32;

    [Fact]
    public void Export_TinyBertClassifier_KeepsTextInputsAndOutputsOnlyTheHiddenState()
    {
        var derived = EncoderHiddenStateExporter.Export(TinyBertFixture.LoadClassifier());

        using var session = new InferenceSession(derived.ToByteArray());
        Assert.Equal(["attention_mask", "input_ids", "token_type_ids"], session.InputMetadata.Keys.Order(StringComparer.Ordinal));
        var (name, output) = Assert.Single(session.OutputMetadata);
        Assert.Equal("last_hidden_state", name);
        Assert.Equal(TensorElementType.Float, output.ElementDataType);
        Assert.Equal(3, output.Dimensions.Length);
        Assert.Equal(HiddenSize, output.Dimensions[2]);
        Assert.Equal(["batch_size", "sequence_length"], output.SymbolicDimensions[..2]);
    }

    [Fact]
    public void Export_TinyBertClassifier_PrunesTheClassifierHead()
    {
        var classifier = TinyBertFixture.LoadClassifier();

        var derived = EncoderHiddenStateExporter.Export(classifier);

        Assert.DoesNotContain(derived.Graph.Node, n => n.OpType == "Tanh" || n.Output.Contains("logits"));
        Assert.DoesNotContain(derived.Graph.Initializer, t => t.Name.StartsWith("cls.", StringComparison.Ordinal));
        Assert.Contains(derived.Graph.Initializer, t => t.Name == "tok.weight");
        var identity = derived.Graph.Node[^1];
        Assert.Equal(("Identity", "/layers.1/norm2/Add_1_output_0", "last_hidden_state"), (identity.OpType, identity.Input.Single(), identity.Output.Single()));

        // Export works on a copy: the classifier still has its head.
        Assert.Equal("logits", classifier.Graph.Output.Single().Name);
    }

    [Fact]
    public void Run_DerivedModelOnFirstReferenceText_GivesOneFiniteStatePerToken()
    {
        var derived = EncoderHiddenStateExporter.Export(TinyBertFixture.LoadClassifier());
        using var session = new InferenceSession(derived.ToByteArray());
        var (text, ids, _) = TinyBertFixture.ExpectedCases()[0];
        Assert.Equal("The movie was great!", text);
        Assert.Equal([2L, 5, 7, 9, 11, 37, 3], ids);

        var (shape, values) = TinyBertFixture.RunHiddenState(session, ids);

        Assert.Equal([1L, 7, HiddenSize], shape);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(values, v => v != 0f);
    }

    /// <summary>
    /// The proof that the output is the right tensor: the classifier's own head applied to position 0 of the
    /// derived model's output gives the fixture's reference scores. In tiny-bert-cls that head is
    /// <c>logits = cls.weight · tanh(h[:, 0]) + cls.bias</c> (the Tanh is its pooler; it has no pooler dense).
    /// </summary>
    [Fact]
    public void ClassifierHeadOnPositionZero_ReproducesReferenceScores()
    {
        var classifier = TinyBertFixture.LoadClassifier();
        var weight = TinyBertFixture.FloatInitializer(classifier, "cls.weight");
        var bias = TinyBertFixture.FloatInitializer(classifier, "cls.bias");
        Assert.Equal(TinyBertFixture.Labels.Length * HiddenSize, weight.Length);
        using var session = new InferenceSession(EncoderHiddenStateExporter.Export(classifier).ToByteArray());

        foreach (var (text, ids, expected) in TinyBertFixture.ExpectedCases())
        {
            var (_, hidden) = TinyBertFixture.RunHiddenState(session, ids);
            var pooled = hidden.AsSpan(0, HiddenSize).ToArray().Select(h => Math.Tanh(h)).ToArray();
            var logits = bias.Select((b, label) => b + pooled.Select((p, i) => p * weight[(label * HiddenSize) + i]).Sum()).ToArray();
            var scores = Softmax(logits);

            for (var label = 0; label < expected.Length; label++)
            {
                Assert.True(
                    Math.Abs(expected[label] - scores[label]) < 1e-4,
                    $"'{text}' {TinyBertFixture.Labels[label]}: expected {expected[label]}, got {scores[label]}");
            }
        }
    }

    [Fact]
    public void Export_VitClassifier_ThrowsNamingWhereTheHeadStopped()
    {
        var vit = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TestPaths.TinyVitDirectory, "model.onnx")));

        var exception = Assert.Throws<OnnxGraphException>(() => EncoderHiddenStateExporter.Export(vit));

        Assert.StartsWith("Could not find the encoder's last hidden state", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/head/Gemm", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_HeadWithoutTanhPooler_Throws()
    {
        var model = TinyHeadModel(withTanh: false);

        var exception = Assert.Throws<OnnxGraphException>(() => EncoderHiddenStateExporter.Export(model));

        Assert.Contains("without a Tanh pooler", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_SlicedPoolerWithMatMulDense_FindsTheEncoderOutput()
    {
        var model = TinyHeadModel(withTanh: true);

        var derived = EncoderHiddenStateExporter.Export(model);

        var output = derived.Graph.Output.Single();
        Assert.Equal("last_hidden_state", output.Name);
        // No input_ids to borrow batch/sequence dimensions from, so they get the usual symbolic names.
        Assert.Equal(["batch_size", "sequence_length", "4"], output.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["Relu", "Identity"], derived.Graph.Node.Select(n => n.OpType));
        Assert.Equal("encoded", derived.Graph.Node[^1].Input.Single());
        Assert.Empty(derived.Graph.Initializer);

        using var session = new InferenceSession(derived.ToByteArray());
        float[] x = [-1, 2, -3, 4, 5, -6, 7, -8];
        using var input = OrtValue.CreateTensorValueFromMemory(x, [1, 2, 4]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["embeddings"], [input], ["last_hidden_state"]);
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>
    /// A hand-built classifier in the shape of Hugging Face's BertForSequenceClassification head:
    /// <c>encoded = Relu(embeddings)</c>, then <c>x[:, 0:1]</c> → Squeeze → MatMul + Add (pooler dense) → [Tanh] → Gemm.
    /// </summary>
    private static ModelProto TinyHeadModel(bool withTanh)
    {
        var graph = new GraphProto
        {
            Name = "tiny-head",
            Input = { FloatInfo("embeddings", "batch", "sequence", 4L) },
            Output = { FloatInfo("logits", "batch", 2L) },
            Initializer =
            {
                Int64s("zero", 0), Int64s("one", 1), Int64s("axis_one", 1), Int64s("squeeze_axes", 1),
                Floats("pooler.weight", [4, 4], 16), Floats("pooler.bias", [4], 4), Floats("cls.weight", [2, 4], 8), Floats("cls.bias", [2], 2),
            },
        };
        graph.Node.Add(Node("Relu", ["embeddings"], "encoded"));
        graph.Node.Add(Node("Slice", ["encoded", "zero", "one", "axis_one"], "first"));
        graph.Node.Add(Node("Squeeze", ["first", "squeeze_axes"], "cls_state"));
        graph.Node.Add(Node("MatMul", ["cls_state", "pooler.weight"], "dense"));
        graph.Node.Add(Node("Add", ["dense", "pooler.bias"], "dense_biased"));
        if (withTanh)
        {
            graph.Node.Add(Node("Tanh", ["dense_biased"], "pooled"));
        }

        var gemm = Node("Gemm", [withTanh ? "pooled" : "dense_biased", "cls.weight", "cls.bias"], "logits");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(gemm);

        return new ModelProto { IrVersion = 8, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 14 } }, Graph = graph };
    }

    private static NodeProto Node(string opType, string[] inputs, string output) =>
        new() { Name = "/" + output, OpType = opType, Input = { inputs }, Output = { output } };

    private static ValueInfoProto FloatInfo(string name, params object[] dims) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        dims.Select(d => d is string param
                            ? new TensorShapeProto.Types.Dimension { DimParam = param }
                            : new TensorShapeProto.Types.Dimension { DimValue = (long)d }),
                    },
                },
            },
        },
    };

    private static TensorProto Int64s(string name, params long[] values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Int64,
        Dims = { values.Length },
        Int64Data = { values },
    };

    private static TensorProto Floats(string name, long[] dims, int count) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { dims },
        FloatData = { Enumerable.Range(0, count).Select(i => i * 0.1f) },
    };

    private static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var exps = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exps.Sum();
        return exps.Select(e => e / sum).ToArray();
    }
}
