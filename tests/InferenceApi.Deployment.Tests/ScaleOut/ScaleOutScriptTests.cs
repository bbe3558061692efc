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
    public void PerKeyLimit_SpentThroughThreeReplicas_ServesTheLimitOnceInTotal()
    {
        var limit = run.Figure("perKeyLimit");
        var perMinute = limit.GetProperty("requestsPerMinute").GetInt64();
        var byReplica = limit.GetProperty("byReplica").EnumerateArray().ToList();

        Assert.True(limit.GetProperty("served").GetInt64() == perMinute, run.Output);
        Assert.True(limit.GetProperty("refused").GetInt64() == perMinute, run.Output);
        Assert.Equal(perMinute, limit.GetProperty("refusedWithRetryAfter").GetInt64());
        Assert.Equal(0, limit.GetProperty("other").GetInt64());
        // Each replica served some and refused some: the count is one, not one per replica.
        Assert.Equal(3, byReplica.Count);
        Assert.All(byReplica, r => Assert.True(r.GetProperty("served").GetInt64() > 0 && r.GetProperty("refused").GetInt64() > 0, run.Output));
    }

    [Fact]
    public void Script_AllFourPropertiesHold_ExitsZero()
    {
        Assert.True(run.ExitCode == 0, run.Output);
    }
}
