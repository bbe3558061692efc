using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// Additions and subtractions whose Scalars stay alive through the native call. TorchSharp's <c>+</c> and <c>-</c> call
/// <c>add(other, 1)</c>: the implicit Scalar for 1 is unreachable once its handle is read, so a garbage collection during
/// the native call can finalize (free) it while libtorch still reads it ("Expected false to be true … toFloat"). Training
/// loops that allocate much (augmentation) hit that within minutes; these overloads cannot.
/// </summary>
public static class TensorMath
{
    private static readonly Scalar One = 1.ToScalar();

    public static Tensor Add(Tensor left, Tensor right) => left.add(right, One);

    /// <summary>TorchSharp's sub takes no alpha, so there is no Scalar to lose; here for symmetry with <see cref="Add(Tensor, Tensor)"/>.</summary>
    public static Tensor Subtract(Tensor left, Tensor right) => left.sub(right);

    public static Tensor Add(Tensor left, double right)
    {
        using var value = right.ToScalar();
        return left.add(value, One);
    }

    /// <summary><paramref name="left"/> - <paramref name="right"/> for a number minus a tensor (e.g. 1 - x).</summary>
    public static Tensor Subtract(double left, Tensor right)
    {
        using var value = left.ToScalar();
        using var negated = right.neg();
        return negated.add(value, One);
    }
}
