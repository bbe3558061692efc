using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

/// <summary>
/// The repository's life cycle over a real folder, a fake clock and a scripted loader: what loads when, which
/// version serves, what retires and when it unloads, and what readiness says along the way.
/// </summary>
public sealed class ModelRepositoryTests
{
    [Fact]
    public async Task ScanAsync_FirstScan_LoadsOnlyTheHighestVersionAndStampsItReadyByTheClock()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        harness.Write("m", 2);

        await harness.ScanAsync();

        Assert.Equal([("m", 2L)], harness.Loader.Starts);
        var serving = harness.Single("m");
        Assert.Equal((2L, ModelStatus.Ready, RepositoryHarness.Start), (serving.Version, serving.Status, serving.ReadySince!.Value));
        Assert.True(harness.Repository.InitialLoadComplete);
        Assert.True(harness.Repository.Readiness(stopping: false).IsReady);
    }

    [Fact]
    public async Task ScanAsync_Load_RunsOnAThreadOfItsOwnNotOneThePoolServesRequestsWith()
    {
        // Session creation and warm-up block for a second or more: on a pool thread, on 2 cores, that stalled the
        // requests being served at every published version.
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);

        await harness.ScanAsync();

        Assert.Equal([false], harness.Loader.StartedOnPoolThread);
    }

    [Fact]
    public async Task ScanAsync_NewVersion_LoadsAtTheSecondIdenticalScanAndTheOldServesUntilItIsReady()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();
        harness.Write("m", 2);
        harness.Loader.Hold("m", 2);

        await harness.ScanAsync();
        var startsAfterOneLook = harness.Loader.Starts.Count;
        await harness.ScanAsync();
        await harness.Loader.StartedAsync("m", 2);

        Assert.Equal(1, startsAfterOneLook);
        using (var lease = harness.Repository.Acquire<IModelRuntime>(Name("m"), null).Value!)
        {
            Assert.Equal(1, lease.Model.Version);
        }

        var whileLoading = harness.Repository.Readiness(stopping: false);
        Assert.True(whileLoading.IsReady);
        Assert.Equal(ReadinessHealth.Degraded, whileLoading.Entries.Single(e => e.Key == "model:m:2").Health);
        Assert.Equal(ModelAvailability.Ready, harness.Repository.Model(Name("m"))!.Availability);
        Assert.False(harness.Repository.IsServing(Name("m"), 2).Value);

        harness.Clock.Advance(TimeSpan.FromMinutes(5));
        harness.Loader.Release("m", 2);
        await harness.Log.WaitForAsync("m version 2 is ready");

        using var next = harness.Repository.Acquire<IModelRuntime>(Name("m"), null).Value!;
        Assert.Equal(2, next.Model.Version);
        Assert.Equal(RepositoryHarness.Start.AddMinutes(5), next.Model.ReadySince);
        Assert.True(harness.Repository.Readiness(stopping: false).IsReady);
    }

    [Fact]
    public async Task ScanAsync_NewVersionReady_RetiresTheOldOnlyOnceItsLastLeaseEnds()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();
        var old = harness.Repository.Acquire<IModelRuntime>(Name("m"), null).Value!;
        harness.Write("m", 2);

        await harness.ScanAsync();
        await harness.ScanAsync();
        await harness.Log.WaitForAsync("m version 2 is ready");
        await harness.Log.WaitForAsync("Retiring model m version 1: superseded by version 2");

        var first = harness.Loader.Runtimes[0];
        Assert.False(first.IsDisposed);
        old.Dispose();
        await first.Disposed;
        await harness.Log.WaitForAsync("m version 1 unloaded");
        Assert.Equal([2L], harness.Repository.Snapshot().Select(v => v.Version));
    }

    [Fact]
    public async Task ScanAsync_VersionFolderRemoved_UnloadsItAndTheModelIsUnknownAfterwards()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();

        harness.Delete("m", 1);
        await harness.ScanAsync();
        await harness.Loader.Runtimes[0].Disposed;
        await harness.Log.WaitForAsync("m version 1 unloaded");

        Assert.Contains("removed from the model repository", harness.Log.Messages.Single(m => m.StartsWith("Retiring", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(ErrorKind.NotFound, Refusal(harness.Repository.Acquire<IModelRuntime>(Name("m"), null)).Kind);
        Assert.Null(harness.Repository.Model(Name("m")));
    }

    [Fact]
    public async Task ScanAsync_ServingVersionDeleted_ServesUntilThePreviousVersionIsReadyThenRetires()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        harness.Write("m", 2);
        await harness.ScanAsync();
        harness.Loader.Hold("m", 1);

        harness.Delete("m", 2);
        await harness.ScanAsync();
        await harness.Loader.StartedAsync("m", 1);

        using (var meanwhile = harness.Repository.Acquire<IModelRuntime>(Name("m"), null).Value!)
        {
            Assert.Equal(2, meanwhile.Model.Version);
        }

        Assert.True(harness.Repository.Readiness(stopping: false).IsReady);
        harness.Loader.Release("m", 1);
        await harness.Log.WaitForAsync("m version 2 unloaded");

        using var after = harness.Repository.Acquire<IModelRuntime>(Name("m"), null).Value!;
        Assert.Equal(1, after.Model.Version);
        Assert.Contains("Retiring model m version 2: removed from the model repository", harness.Log.Messages);
    }

    [Fact]
    public async Task ScanAsync_ServingVersionDeletedAndThePreviousRefused_RetiresItAndTheModelIsNotReady()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        harness.Write("m", 2);
        await harness.ScanAsync();
        harness.Loader.Refuse("m", 1, "broken");

        harness.Delete("m", 2);
        await harness.ScanAsync();
        await harness.Log.WaitForAsync("m version 2 unloaded");

        var error = Refusal(harness.Repository.Acquire<IModelRuntime>(Name("m"), null));
        Assert.Equal(ErrorKind.ModelNotReady, error.Kind);
        Assert.Contains("version 1: broken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanAsync_RefusalNamingAFileInTheRepository_ShowsItRelativeToTheRootAndLogsItWhole()
    {
        await using var harness = new RepositoryHarness();
        var file = Path.Combine(harness.Repository.RootPath, "bad", "1", "model.onnx");
        harness.Loader.Refuse("bad", 1, $"Load model from {file} failed");
        harness.Write("bad", 1);

        await harness.ScanAsync();

        Assert.Equal($"Load model from {Path.Combine("bad", "1", "model.onnx")} failed", harness.Single("bad").Reason);
        Assert.Contains(harness.Log.Messages, m => m.Contains(file, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScanAsync_RefusedVersion_IsListedWithItsReasonAndLeavesTheServerReadyButDegraded()
    {
        await using var harness = new RepositoryHarness();
        harness.Loader.Refuse("bad", 1, "labels do not match");
        harness.Write("bad", 1);
        harness.Write("good", 1);

        await harness.ScanAsync();

        var refused = harness.Single("bad");
        Assert.Equal((ModelStatus.Failed, "labels do not match"), (refused.Status, refused.Reason));
        Assert.Equal(ModelAvailability.Unavailable, harness.Repository.Model(Name("bad"))!.Availability);
        var error = Refusal(harness.Repository.Acquire<IModelRuntime>(Name("bad"), null));
        Assert.Equal((ErrorKind.ModelNotReady, TimeSpan.FromSeconds(30)), (error.Kind, error.RetryAfter));
        var readiness = harness.Repository.Readiness(stopping: false);
        Assert.True(readiness.IsReady);
        Assert.Equal(ReadinessHealth.Degraded, readiness.Entries.Single(e => e.Key == "model:bad:1").Health);
        Assert.True(harness.Repository.IsServing(Name("good"), null).Value);
    }

    [Fact]
    public async Task ScanAsync_RefusedVersionChangedAndRefusedAgain_KeepsOnlyTheLatestReason()
    {
        await using var harness = new RepositoryHarness();
        harness.Loader.Refuse("m", 1, "first reason");
        harness.Write("m", 1);
        await harness.ScanAsync();

        harness.Loader.Refuse("m", 1, "second reason");
        harness.Write("m", 1, "changed model");
        await harness.ScanAsync();
        await harness.ScanAsync();
        await harness.Log.WaitForAsync("Refused model m version 1", occurrence: 2);

        Assert.Equal("second reason", harness.Single("m").Reason);
    }

    [Fact]
    public async Task ScanAsync_RefusedVersionFixedInPlace_ServesAndForgetsTheRefusal()
    {
        await using var harness = new RepositoryHarness();
        harness.Loader.Refuse("m", 1, "broken");
        harness.Write("m", 1);
        await harness.ScanAsync();

        harness.Loader.Accept("m", 1);
        harness.Write("m", 1, "fixed model");
        await harness.ScanAsync();
        await harness.ScanAsync();
        await harness.Log.WaitForAsync("m version 1 is ready");

        Assert.Equal(ModelStatus.Ready, harness.Single("m").Status);
    }

    [Fact]
    public async Task Acquire_PinnedVersions_ServeWhileTheyAreAmongTheVersionsToServe()
    {
        await using var harness = new RepositoryHarness(versionsToServe: 2);
        harness.Write("m", 1);
        harness.Write("m", 2);
        harness.Write("m", 3);
        await harness.ScanAsync();

        using var pinned = harness.Repository.Acquire<IModelRuntime>(Name("m"), 2).Value!;
        var notLoaded = Refusal(harness.Repository.Acquire<IModelRuntime>(Name("m"), 1));

        Assert.Equal(2, pinned.Model.Version);
        Assert.Equal((ErrorKind.NotFound, "version"), (notLoaded.Kind, notLoaded.Field));
        Assert.Equal([2L, 3L], harness.Repository.Model(Name("m"))!.ReadyVersions);
        Assert.Equal(3L, harness.Repository.Model(Name("m"))!.Serving!.Version);
    }

    [Fact]
    public async Task Acquire_ModelOfAnotherTask_NamesBothTasks()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();

        var error = Refusal(harness.Repository.Acquire<IModelRuntime>(Name("m"), null, ModelTask.FeatureExtraction));

        Assert.Equal((ErrorKind.Validation, "model", (object?)"text-classification"), (error.Kind, error.Field, error.Received));
        Assert.Contains("needs a feature-extraction model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainAsync_RefusesNewLeasesTurnsReadinessOffAndUnloadsEverything()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();

        await harness.Repository.DrainAsync();

        var error = Refusal(harness.Repository.Acquire<IModelRuntime>(Name("m"), null));
        Assert.Equal((ErrorKind.Draining, TimeSpan.FromSeconds(1)), (error.Kind, error.RetryAfter));
        Assert.False(harness.Repository.Readiness(stopping: false).IsReady);
        Assert.False(harness.Repository.IsServing(Name("m"), null).Value);
        Assert.True(harness.Loader.Runtimes[0].IsDisposed);
    }

    [Fact]
    public async Task DrainAsync_CutOffWhileARequestHoldsTheModel_CutsItsRuntimeOffAndEveryCallerWaitsForTheRelease()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();
        var lease = harness.Repository.Acquire<IModelRuntime>(Name("m"), null).Value!;
        var runtime = harness.Loader.Runtimes[0];
        using var cutOff = new CancellationTokenSource();

        var drain = harness.Repository.DrainAsync(cutOff.Token);
        var joined = harness.Repository.DrainAsync();
        Assert.False(runtime.IsCutOff);
        await cutOff.CancelAsync();
        Assert.True(runtime.IsCutOff);
        Assert.False(drain.IsCompleted || joined.IsCompleted || runtime.IsDisposed);
        lease.Dispose();
        await Task.WhenAll(drain, joined).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(runtime.IsDisposed);
    }

    [Fact]
    public async Task Readiness_HostStopping_IsOffBeforeTheDrainStarts()
    {
        await using var harness = new RepositoryHarness();
        harness.Write("m", 1);
        await harness.ScanAsync();

        var readiness = harness.Repository.Readiness(stopping: true);

        Assert.False(readiness.IsReady);
        Assert.Equal("server", readiness.Entries[^1].Key);
    }

    /// <summary>The error of an acquire expected to fail; a lease taken by mistake is released so the drain at the end does not wait for it.</summary>
    private static InferenceError Refusal(Result<ModelLease<IModelRuntime>> acquired)
    {
        if (acquired.IsSuccess)
        {
            acquired.Value.Dispose();
            Assert.Fail($"Expected a refusal, but version {acquired.Value.Model.Version} was leased.");
        }

        return acquired.Error!;
    }

    private static ModelName Name(string name) => ModelName.Parse(name).Value!;
}
