using InferenceApi.Core.Imaging;

namespace InferenceApi.Core.Tests.Imaging;

public sealed class WholeDecodeGateTests
{
    [Fact]
    public void Enter_SmallDecode_TakesNoSlot()
    {
        var gate = new WholeDecodeGate(1);

        using var first = gate.Enter(WholeDecodeGate.LargeBytes - 1);
        using var second = gate.Enter(WholeDecodeGate.LargeBytes - 1);

        Assert.Equal(1, gate.Free);
    }

    [Fact]
    public async Task Enter_LargeDecodeWithEverySlotHeld_WaitsUntilOneIsGivenBack()
    {
        var gate = new WholeDecodeGate(2);
        var first = gate.Enter(WholeDecodeGate.LargeBytes);
        using var second = gate.Enter(WholeDecodeGate.LargeBytes);
        using var entering = new ManualResetEventSlim();

        var third = Task.Run(() =>
        {
            entering.Set();
            return gate.Enter(WholeDecodeGate.LargeBytes);
        });
        entering.Wait();

        // A broken gate lets the third in at once; a working one holds it however long this looks.
        Assert.False(SpinWait.SpinUntil(() => third.IsCompleted, TimeSpan.FromMilliseconds(200)));
        first.Dispose();
        using var entered = await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, gate.Free);
    }
}
