using System.Text.Json;

namespace InferenceApi.Deployment.Tests.ScaleOut;

[Collection(ScaleOutCollection.Name)]
public sealed class ScaleOutScriptTests(ScaleOutRun run)
{
    [Fact]
    public void RollingRestart_SixteenClientsThroughHaproxy_NoRequestFails()
    {
        var restart = run.Figure("rollingRestart");

        Assert.True(restart.GetProperty("requests").GetInt64() > 0, run.Output);
        Assert.True(restart.GetProperty("failed").GetInt64() == 0, run.Output);
        Assert.Equal([0, 0, 0], restart.GetProperty("exitCodes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void SharedRedis_ResultComputedThroughOneReplica_IsACacheHitThroughTheOthers()
    {
        Assert.Equal("miss", run.Figure("sharedCache", "computedOnFirst").GetString());
        Assert.Equal(["hit", "hit"], run.Figure("sharedCache", "others").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void HotReload_NewVersionInTheSharedFolder_ServesOnEveryReplica()
    {
        var seconds = run.Figure("hotReload", "secondsToServe").EnumerateArray().ToList();

        Assert.Equal(3, seconds.Count);
        Assert.All(seconds, s => Assert.Equal(JsonValueKind.Number, s.ValueKind));
    }

    [Fact]
    public void HotReload_NewVersionInTheSharedFolder_NoRequestFailsWhileEveryReplicaLoadsIt()
    {
        var load = run.Figure("hotReload", "load");

        Assert.True(load.GetProperty("requests").GetInt64() > 0, run.Output);
        Assert.True(load.GetProperty("failed").GetInt64() == 0, run.Output);
    }

    [Fact]
    public void Script_AllThreePropertiesHold_ExitsZero()
    {
        Assert.True(run.ExitCode == 0, run.Output);
    }
}
