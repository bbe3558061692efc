using System.Diagnostics;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes, for behaviour that settles in the background.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failureMessage)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Not true within {timeout.TotalSeconds} s: {failureMessage()}");
            }

            await Task.Delay(50);
        }
    }
}
