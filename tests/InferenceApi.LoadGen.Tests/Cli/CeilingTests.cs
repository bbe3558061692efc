using InferenceApi.LoadGen.Cli;
using Xunit.Abstractions;

namespace InferenceApi.LoadGen.Tests.Cli;

/// <summary>
/// The generator's own ceiling against a trivial in-process endpoint, written to the test output so nobody mistakes
/// the tool for the bottleneck. Machine-dependent: reported, not asserted.
/// </summary>
public class CeilingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ceiling_TrivialEndpoint_Reported()
    {
        await using var server = await TrivialServer.StartAsync(CancellationToken.None);
        using var log = new StringWriter();

        var ceiling = await CeilingCommand.FindAsync(server.Address, "/", 500, 8000, TimeSpan.FromSeconds(1), log, CancellationToken.None);

        output.WriteLine(log.ToString());
        output.WriteLine($"CEILING {ceiling:0} requests/s (open loop, Debug build, server in the same process; `ceiling` in Release reports more)");
        Assert.NotEmpty(log.ToString());
    }
}
