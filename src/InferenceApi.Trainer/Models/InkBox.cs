using InferenceApi.Trainer.Export;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// Fits each drawing to the frame, as the digits data set's scans were normalised: the rows and columns holding ink
/// (a pixel above <see cref="Threshold"/> of full ink) give a box; the square of the box's longer side around its centre is
/// resampled bilinearly to the whole image (the shorter side stays centred, so a "1" stays narrow). A drawing that is
/// small, off-centre or in a corner of a large canvas then reaches the model the size and place the training digits
/// had. Works on light-on-dark normalised grey [batch, H, W] in [-1, 1] (after <see cref="InkNormalization"/>), in
/// TorchSharp and as ONNX nodes alike; an image without ink keeps its whole frame.
/// </summary>
public static class InkBox
{
    public const float Threshold = 0.3f;

    public static Tensor Apply(Tensor grey)
    {
        var side = grey.shape[1];
        var ink = TensorMath.Add(grey, 1) / 2;
        var (top, rows) = Extent(ink.amax([2L]).gt(Threshold).to_type(ScalarType.Float32));
        var (left, columns) = Extent(ink.amax([1L]).gt(Threshold).to_type(ScalarType.Float32));
        var extent = maximum(rows, columns);
        var down = Weights(TensorMath.Add(top, rows / 2), extent, side);
        var across = Weights(TensorMath.Add(left, columns / 2), extent, side);
        return TensorMath.Add(down.matmul(ink).matmul(across.transpose(1, 2)) * 2, -1);
    }

    /// <summary>The first ink index and the ink's length along one axis, [batch, 1], from a 0/1 profile [batch, side].</summary>
    private static (Tensor First, Tensor Length) Extent(Tensor on)
    {
        var side = on.shape[1];
        var first = on.argmax(1, keepdim: true).to_type(ScalarType.Float32);
        var last = TensorMath.Subtract(side - 1, on.flip(1).argmax(1, keepdim: true).to_type(ScalarType.Float32));
        return (first, TensorMath.Add(TensorMath.Subtract(last, first), 1));
    }

    /// <summary>[batch, side, side] bilinear weights: output pixel i reads source position centre - extent/2 + (i + ½)·extent/side (pixel edges).</summary>
    private static Tensor Weights(Tensor centre, Tensor extent, long side)
    {
        var fractions = TensorMath.Add(arange(side, dtype: ScalarType.Float32), 0.5) / side;
        var position = TensorMath.Add(TensorMath.Add(TensorMath.Subtract(centre, extent / 2), extent * fractions), -0.5);
        var sources = arange(side, dtype: ScalarType.Float32);
        return nn.functional.relu(TensorMath.Subtract(1, TensorMath.Subtract(position.unsqueeze(2), sources).abs()));
    }

    /// <summary>The same as ONNX nodes after <paramref name="grey"/> ([batch, side, side]); returns the fitted tensor's name.</summary>
    public static string Graph(OnnxGraphBuilder g, string grey, int side)
    {
        var one = g.Scalar("box_one", 1);
        var two = g.Scalar("box_two", 2);
        var ink = g.Node("Div", [g.Node("Add", [grey, one]), two]);
        var threshold = g.Scalar("box_threshold", Threshold);
        var (top, rows) = Extent(g, g.Node("ReduceMax", [ink], Ints("axes", 2), Int("keepdims", 0)), threshold, one);
        var (left, columns) = Extent(g, g.Node("ReduceMax", [ink], Ints("axes", 1), Int("keepdims", 0)), threshold, one);
        var extent = g.Node("Max", [rows, columns]);
        var fractions = g.Initializer("box_fractions", [.. Enumerable.Range(0, side).Select(i => (i + 0.5f) / side)], side);
        var sources = g.Initializer("box_sources", [.. Enumerable.Range(0, side).Select(i => (float)i)], side);
        var down = Weights(g, g.Node("Add", [top, g.Node("Div", [rows, two])]), extent, fractions, sources, one, two);
        var across = Weights(g, g.Node("Add", [left, g.Node("Div", [columns, two])]), extent, fractions, sources, one, two);
        var fitted = g.Node("MatMul", [g.Node("MatMul", [down, ink]), g.Node("Transpose", [across], Ints("perm", 0, 2, 1))]);
        return g.Node("Sub", [g.Node("Mul", [fitted, two]), one]);
    }

    private static (string First, string Length) Extent(OnnxGraphBuilder g, string profile, string threshold, string one)
    {
        var on = g.Node("Cast", [g.Node("Greater", [profile, threshold])], Int("to", (long)Onnx.Proto.TensorProto.Types.DataType.Float));
        var first = g.Node("Cast", [g.Node("ArgMax", [on], Int("axis", 1), Int("keepdims", 1), Int("select_last_index", 0))], Int("to", (long)Onnx.Proto.TensorProto.Types.DataType.Float));
        var last = g.Node("Cast", [g.Node("ArgMax", [on], Int("axis", 1), Int("keepdims", 1), Int("select_last_index", 1))], Int("to", (long)Onnx.Proto.TensorProto.Types.DataType.Float));
        return (first, g.Node("Add", [g.Node("Sub", [last, first]), one]));
    }

    private static string Weights(OnnxGraphBuilder g, string centre, string extent, string fractions, string sources, string one, string two)
    {
        var start = g.Node("Sub", [centre, g.Node("Div", [extent, two])]);
        var position = g.Node("Sub", [g.Node("Add", [start, g.Node("Mul", [extent, fractions])]), g.Scalar("box_half", 0.5f)]);
        var distance = g.Node("Abs", [g.Node("Sub", [g.Node("Unsqueeze", [position, g.Int64s("box_axes", 2)]), sources])]);
        return g.Node("Relu", [g.Node("Sub", [one, distance])]);
    }
}
