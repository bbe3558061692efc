using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests;

public sealed class TorchSharpLoadTests
{
    [Fact]
    public void TorchSharp_Matmul_LoadsNativeLibraryAndComputes()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var b = tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]);

        var product = a.matmul(b);

        Assert.Equal(new long[] { 2, 2 }, product.shape);
        Assert.Equal(new float[] { 4, 5, 10, 11 }, product.data<float>().ToArray());
    }
}
