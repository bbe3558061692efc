using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// transformers' <c>LlamaRMSNorm</c>: x · rsqrt(mean(x²) + ε) · weight, no mean subtraction and no bias. The
/// statistics are taken in float32 whatever the model's type, and the weight multiplies after the cast back, as
/// transformers does, so a float16 model normalises as an fp16 export does.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    public RmsNorm(int size, double eps) : base(nameof(RmsNorm))
    {
        Eps = eps;
        Weight = nn.Parameter(ones(size));
        RegisterComponents();
    }

    public Parameter Weight { get; }

    public double Eps { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to_type(ScalarType.Float32);
        // square() and TensorMath.Add take no Scalar that a collection could free mid-call (see TensorMath).
        var normed = x.mul(TensorMath.Add(x.square().mean([-1], keepdim: true), Eps).rsqrt());
        return Weight.mul(normed.to_type(input.dtype)).MoveToOuterDisposeScope();
    }
}
