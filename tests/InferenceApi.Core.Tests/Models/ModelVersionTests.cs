using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Models;

public sealed class ModelVersionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void TryAcquire_WhileLoading_Refuses()
    {
        var version = NewVersion();

        Assert.False(version.TryAcquire());
        Assert.Equal(ModelStatus.Loading, version.Status);
    }

    [Fact]
    public void TryAcquire_Ready_Grants()
    {
        var version = NewVersion();
        Assert.True(version.MarkReady(new FakeRuntime(), Now));

        Assert.True(version.TryAcquire());
        Assert.Equal(ModelStatus.Ready, version.Status);
        Assert.Equal(Now, version.ReadySince);
    }

    [Fact]
    public async Task RetireAsync_LeaseHeld_WaitsForItsReleaseBeforeDisposingTheRuntime()
    {
        var runtime = new FakeRuntime();
        var version = NewVersion();
        version.MarkReady(runtime, Now);
        Assert.True(version.TryAcquire());
        Assert.True(version.TryAcquire());

        var retiring = version.RetireAsync("replaced by version 2");

        Assert.Equal(ModelStatus.Retiring, version.Status);
        Assert.Equal("replaced by version 2", version.Reason);
        Assert.False(version.TryAcquire());
        version.Release();
        Assert.False(retiring.IsCompleted);
        Assert.Equal(0, runtime.Disposals);

        version.Release();
        await retiring.WaitAsync(SafetyTimeout);

        Assert.Equal(1, runtime.Disposals);
    }

    [Fact]
    public async Task RetireAsync_NoLeases_DisposesTheRuntimeAtOnce()
    {
        var runtime = new FakeRuntime();
        var version = NewVersion();
        version.MarkReady(runtime, Now);

        await version.RetireAsync("removed from disk").WaitAsync(SafetyTimeout);

        Assert.Equal(1, runtime.Disposals);
    }

    [Fact]
    public async Task RetireAsync_CalledTwice_DisposesOnce()
    {
        var runtime = new FakeRuntime();
        var version = NewVersion();
        version.MarkReady(runtime, Now);

        await version.RetireAsync("first").WaitAsync(SafetyTimeout);
        await version.RetireAsync("second").WaitAsync(SafetyTimeout);

        Assert.Equal(1, runtime.Disposals);
        Assert.Equal("first", version.Reason);
    }

    [Fact]
    public async Task MarkReady_AfterRetiredWhileLoading_RefusesSoTheCallerDisposes()
    {
        var version = NewVersion();
        await version.RetireAsync("deleted while loading").WaitAsync(SafetyTimeout);

        Assert.False(version.MarkReady(new FakeRuntime(), Now));
        Assert.Null(version.Runtime);
        Assert.False(version.TryAcquire());
    }

    [Fact]
    public async Task LeaseDispose_Twice_ReleasesOnce()
    {
        var runtime = new FakeRuntime();
        var version = NewVersion();
        version.MarkReady(runtime, Now);
        Assert.True(version.TryAcquire());
        Assert.True(version.TryAcquire());
        var lease = new ModelLease<IModelRuntime>(version, runtime);
        var retiring = version.RetireAsync("replaced");

        lease.Dispose();
        lease.Dispose();

        // The second lease is still held: a double dispose must not count as its release.
        Assert.False(retiring.IsCompleted);
        version.Release();
        await retiring.WaitAsync(SafetyTimeout);
        Assert.Equal(1, runtime.Disposals);
    }

    private static ModelVersion NewVersion() => new(new DiscoveredVersion("bert", 1, "/models/bert/1", "ABCDEF"), generation: 1);

    private sealed class FakeRuntime : IModelRuntime
    {
        private int _disposals;

        public ModelDescription Description { get; } = new(
            ModelTask.TextClassification,
            ["a", "b"],
            64,
            new BatchLimits(8, 512, TimeSpan.Zero, 16, 1),
            TimeSpan.FromSeconds(30),
            "CPU",
            new ModelSignature([], []));

        public int QueueDepth => 0;

        public int Disposals => Volatile.Read(ref _disposals);

        public void CutOff()
        {
            // Serves nothing, so nothing is in flight to end.
        }

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref _disposals);
            return ValueTask.CompletedTask;
        }
    }
}
