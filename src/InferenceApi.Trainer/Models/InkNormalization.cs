using InferenceApi.Trainer.Export;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// Light ink on a dark ground at full contrast, whatever the drawing was: an image whose outer ring of pixels is
/// brighter than the image as a whole is a dark drawing on a light page and is negated; then the grey values are
/// stretched so the darkest pixel is -1 and the brightest +1. Works on normalised grey [batch, H, W] (mean 0.5,
/// std 0.5, so negating is 1 - g and ±1 is 0 and 255), in TorchSharp and as ONNX nodes alike (same ops, same ties).
/// </summary>
public static class InkNormalization
{
    /// <summary>Keeps a blank image finite (it becomes all -1).</summary>
    public const float Epsilon = 1e-3f;

    public static Tensor Apply(Tensor grey)
    {
        var height = grey.shape[1];
        var width = grey.shape[2];
        var total = grey.sum([1L, 2L], keepdim: true);
        var inner = grey[.., 1..(int)(height - 1), 1..(int)(width - 1)].sum([1L, 2L], keepdim: true);
        var ring = TensorMath.Subtract(total, inner) / ((height * width) - ((height - 2) * (width - 2)));
        var flip = ring.gt(total / (height * width)).to_type(ScalarType.Float32);
        var signed = grey * TensorMath.Subtract(1, 2 * flip);
        var low = signed.amin([1L, 2L], keepdim: true);
        var high = signed.amax([1L, 2L], keepdim: true);
        return TensorMath.Add(2 * TensorMath.Subtract(signed, low) / TensorMath.Add(TensorMath.Subtract(high, low), Epsilon), -1);
    }

    /// <summary>The same as ONNX nodes after <paramref name="grey"/> ([batch, side, side]); returns the normalised tensor's name.</summary>
    public static string Graph(OnnxGraphBuilder g, string grey, int side)
    {
        var axes = g.Int64s("ink_axes", 1, 2);
        var total = g.Node("ReduceSum", [grey, axes], Int("keepdims", 1));
        var core = g.Node("Slice", [grey, g.Int64s("ink_core_starts", 1, 1), g.Int64s("ink_core_ends", side - 1, side - 1), axes]);
        var inner = g.Node("ReduceSum", [core, axes], Int("keepdims", 1));
        var ring = g.Node("Div", [g.Node("Sub", [total, inner]), g.Scalar("ink_ring_pixels", (side * side) - ((side - 2) * (side - 2)))]);
        var mean = g.Node("Div", [total, g.Scalar("ink_pixels", side * side)]);
        var flip = g.Node("Cast", [g.Node("Greater", [ring, mean])], Int("to", (long)Onnx.Proto.TensorProto.Types.DataType.Float));
        var two = g.Scalar("ink_two", 2);
        var one = g.Scalar("ink_one", 1);
        var signed = g.Node("Mul", [grey, g.Node("Sub", [one, g.Node("Mul", [two, flip])])]);
        var low = g.Node("ReduceMin", [signed], Ints("axes", 1, 2), Int("keepdims", 1));
        var high = g.Node("ReduceMax", [signed], Ints("axes", 1, 2), Int("keepdims", 1));
        var range = g.Node("Add", [g.Node("Sub", [high, low]), g.Scalar("ink_epsilon", Epsilon)]);
        return g.Node("Sub", [g.Node("Div", [g.Node("Mul", [two, g.Node("Sub", [signed, low])]), range]), one]);
    }
}
