using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Models;

public sealed class VersionPolicyTests
{
    private static readonly Dictionary<(string Name, long Version), string> NothingSeen = [];
    private static readonly VersionPolicy Latest = new(versionsToServe: 1);

    [Fact]
    public void PlanScan_FirstScan_LoadsOnlyTheHighestVersionsOfEachModel()
    {
        var plan = new VersionPolicy(versionsToServe: 2).PlanScan(
            [Folder("a", 1), Folder("a", 2), Folder("a", 3), Folder("b", 1)], Array.Empty<State>(), NothingSeen, initial: true);

        Assert.Equal([("a", 3L), ("a", 2L), ("b", 1L)], plan.Load.Select(d => (d.Name, d.Version)));
        Assert.Empty(plan.Retire);
        Assert.Equal(4, plan.Seen.Count);
    }

    [Fact]
    public void PlanScan_NewFolderAfterTheFirstScan_WaitsForASecondIdenticalLook()
    {
        var first = Latest.PlanScan([Folder("a", 1, "f1")], Array.Empty<State>(), NothingSeen, initial: false);
        var second = Latest.PlanScan([Folder("a", 1, "f1")], Array.Empty<State>(), first.Seen, initial: false);

        Assert.Empty(first.Load);
        Assert.Equal("f1", first.Seen[("a", 1)]);
        var loaded = Assert.Single(second.Load);
        Assert.Equal(("a", 1L), (loaded.Name, loaded.Version));
    }

    [Fact]
    public void PlanScan_FolderStillChanging_KeepsWaiting()
    {
        var first = Latest.PlanScan([Folder("a", 1, "f1")], Array.Empty<State>(), NothingSeen, initial: false);
        var second = Latest.PlanScan([Folder("a", 1, "f2")], Array.Empty<State>(), first.Seen, initial: false);

        Assert.Empty(second.Load);
        Assert.Equal("f2", second.Seen[("a", 1)]);
    }

    [Fact]
    public void PlanScan_FolderGoneBetweenTwoLooks_StartsCountingAgain()
    {
        var first = Latest.PlanScan([Folder("a", 1, "f1")], Array.Empty<State>(), NothingSeen, initial: false);
        var gone = Latest.PlanScan([], Array.Empty<State>(), first.Seen, initial: false);
        var back = Latest.PlanScan([Folder("a", 1, "f1")], Array.Empty<State>(), gone.Seen, initial: false);

        Assert.Empty(back.Load);
    }

    [Fact]
    public void PlanScan_LoadedCopyMatchesTheFolder_LoadsNothing()
    {
        var plan = Latest.PlanScan([Folder("a", 1, "f1")], [Copy("a", 1, 1, ModelStatus.Ready, "f1")], NothingSeen, initial: false);

        Assert.Empty(plan.Load);
        Assert.Empty(plan.Retire);
    }

    [Fact]
    public void PlanScan_ChangedFolderSeenTwice_LoadsANewCopy()
    {
        State[] loaded = [Copy("a", 1, 1, ModelStatus.Ready, "old")];
        var first = Latest.PlanScan([Folder("a", 1, "new")], loaded, NothingSeen, initial: false);
        var second = Latest.PlanScan([Folder("a", 1, "new")], loaded, first.Seen, initial: false);

        Assert.Empty(first.Load);
        Assert.Equal("new", Assert.Single(second.Load).Fingerprint);
    }

    [Fact]
    public void PlanScan_FolderRemoved_RetiresEveryCopyButTheRetiringOnes()
    {
        State[] loaded = [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 1, 2, ModelStatus.Failed), Copy("a", 1, 3, ModelStatus.Retiring)];

        var plan = Latest.PlanScan([], loaded, NothingSeen, initial: false);

        Assert.Equal([(1L, "removed from the model repository"), (2L, "removed from the model repository")], plan.Retire.Select(r => (r.Version.Generation, r.Reason)));
    }

    [Fact]
    public void PlanScan_ServingVersionDeleted_ItServesOnWhileTheOlderFolderSeenUnchangedLoadsAtOnce()
    {
        State[] loaded = [Copy("a", 3, 1, ModelStatus.Ready)];
        var before = Latest.PlanScan([Folder("a", 2, "f2"), Folder("a", 3, "f3")], loaded, NothingSeen, initial: false);

        var deleted = Latest.PlanScan([Folder("a", 2, "f2")], loaded, before.Seen, initial: false);

        Assert.Empty(before.Load);
        Assert.Equal(("a", 2L), (Assert.Single(deleted.Load).Name, deleted.Load[0].Version));
        Assert.Empty(deleted.Retire);
    }

    [Fact]
    public void PlanScan_ServingVersionDeletedWithTheOlderFolderNew_ItServesOnUntilTheSecondLook()
    {
        State[] loaded = [Copy("a", 3, 1, ModelStatus.Ready)];

        var deleted = Latest.PlanScan([Folder("a", 2, "f2")], loaded, NothingSeen, initial: false);

        Assert.Empty(deleted.Load);
        Assert.Empty(deleted.Retire);
    }

    [Fact]
    public void PlanScan_DeletedVersionNotTheOnlyReadyOne_RetiresAtOnce()
    {
        State[] loaded = [Copy("a", 3, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Ready)];

        var plan = new VersionPolicy(versionsToServe: 2).PlanScan([Folder("a", 1), Folder("a", 2)], loaded, NothingSeen, initial: false);

        Assert.Equal([(3L, "removed from the model repository")], plan.Retire.Select(r => (r.Version.Version, r.Reason)));
    }

    [Theory]
    [InlineData(ModelStatus.Loading, false)]
    [InlineData(ModelStatus.Ready, true)]
    [InlineData(ModelStatus.Failed, true)]
    public void RetireRemoved_ServingVersionDeleted_RetiresOnceTheNextIsReadyOrRefused(ModelStatus next, bool retired)
    {
        State[] all = [Copy("a", 3, 1, ModelStatus.Ready, "f3"), Copy("a", 2, 2, next, "f2")];

        (long, string)[] expected = retired ? [(3L, "removed from the model repository")] : [];

        var retire = Latest.RetireRemoved([Folder("a", 2, "f2")], all);

        Assert.Equal(expected, retire.Select(r => (r.Version.Version, r.Reason)));
    }

    [Fact]
    public void RetireRemoved_DeletedVersionStillLoading_RetiresAtOnce()
    {
        State[] all = [Copy("a", 2, 1, ModelStatus.Ready, "f2"), Copy("a", 3, 2, ModelStatus.Loading, "f3")];

        var retire = Latest.RetireRemoved([Folder("a", 2, "f2")], all);

        Assert.Equal([3L], retire.Select(r => r.Version.Version));
    }

    [Fact]
    public void PlanScan_OlderVersionOutOfTheServedSet_RetiresOnlyOnceANewerOneIsReady()
    {
        DiscoveredVersion[] disk = [Folder("a", 1), Folder("a", 2)];

        var whileLoading = Latest.PlanScan(disk, [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Loading)], NothingSeen, initial: false);
        var onceReady = Latest.PlanScan(disk, [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Ready)], NothingSeen, initial: false);

        Assert.Empty(whileLoading.Retire);
        var (version, reason) = Assert.Single(onceReady.Retire);
        Assert.Equal((1L, "superseded by a newer version"), (version.Version, reason));
    }

    [Fact]
    public void OnReady_NewCopyOfTheSameVersion_RetiresTheOlderCopies()
    {
        var ready = Copy("a", 1, 3, ModelStatus.Ready);
        State[] all = [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 1, 2, ModelStatus.Failed), ready, Copy("b", 1, 4, ModelStatus.Ready)];

        var retired = Latest.OnReady(ready, all);

        Assert.Equal([(1L, "replaced by a newer copy of version 1"), (2L, "replaced by a newer copy of version 1")], retired.Select(r => (r.Version.Generation, r.Reason)));
    }

    [Fact]
    public void OnReady_NewerVersion_RetiresWhatFallsOutOfTheServedCount()
    {
        var ready = Copy("a", 3, 3, ModelStatus.Ready);
        State[] all = [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Ready), ready];

        var keepOne = Latest.OnReady(ready, all);
        var keepTwo = new VersionPolicy(versionsToServe: 2).OnReady(ready, all);

        Assert.Equal([(1L, "superseded by version 3"), (2L, "superseded by version 3")], keepOne.Select(r => (r.Version.Version, r.Reason)));
        Assert.Equal([(1L, "superseded by version 3")], keepTwo.Select(r => (r.Version.Version, r.Reason)));
    }

    [Fact]
    public void OnReady_OlderVersionBecomesReadyAfterANewerOne_RetiresNothing()
    {
        var ready = Copy("a", 1, 2, ModelStatus.Ready);

        Assert.Empty(Latest.OnReady(ready, [Copy("a", 2, 1, ModelStatus.Ready), ready]));
    }

    [Fact]
    public void OnFailed_EarlierRefusalsOfTheSameVersion_AreForgotten()
    {
        var failed = Copy("a", 1, 3, ModelStatus.Failed);
        State[] all = [Copy("a", 1, 1, ModelStatus.Failed), Copy("a", 1, 2, ModelStatus.Ready), Copy("a", 2, 4, ModelStatus.Failed), failed];

        Assert.Equal([1L], Latest.OnFailed(failed, all).Select(v => v.Generation));
    }

    [Fact]
    public void Select_SeveralReadyVersions_ServesTheHighestAndItsNewestCopy()
    {
        State[] all = [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Ready), Copy("a", 2, 3, ModelStatus.Ready), Copy("a", 3, 4, ModelStatus.Loading)];

        Assert.Equal(3L, Latest.Select(all, "a", pinned: null).Value!.Generation);
        Assert.Equal(1L, Latest.Select(all, "a", pinned: 1).Value!.Generation);
    }

    [Fact]
    public void Select_UnknownModel_IsNotFoundOnTheModelField()
    {
        var error = Latest.Select([Copy("a", 1, 1, ModelStatus.Ready)], "b", pinned: null).Error!;

        Assert.Equal((ErrorKind.NotFound, "model"), (error.Kind, error.Field));
    }

    [Fact]
    public void Select_UnknownPinnedVersion_IsNotFoundListingTheLoadedVersions()
    {
        var error = Latest.Select([Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 3, 2, ModelStatus.Failed)], "a", pinned: 2).Error!;

        Assert.Equal((ErrorKind.NotFound, "version", (object?)2L), (error.Kind, error.Field, error.Received));
        Assert.EndsWith("Loaded versions: 1, 3.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_OnlyLoading_IsNotReadyWithAShortRetry()
    {
        var error = Latest.Select([Copy("a", 1, 1, ModelStatus.Loading)], "a", pinned: null).Error!;

        Assert.Equal((ErrorKind.ModelNotReady, TimeSpan.FromSeconds(2)), (error.Kind, error.RetryAfter));
    }

    [Fact]
    public void Select_OnlyRefused_IsNotReadyWithTheReasonsAndALongRetry()
    {
        var error = Latest.Select([Copy("a", 1, 1, ModelStatus.Failed, reason: "bad labels")], "a", pinned: null).Error!;

        Assert.Equal((ErrorKind.ModelNotReady, TimeSpan.FromSeconds(30)), (error.Kind, error.RetryAfter));
        Assert.Contains("version 1: bad labels", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelStatus.Ready, ModelAvailability.Ready)]
    [InlineData(ModelStatus.Loading, ModelAvailability.Loading)]
    [InlineData(ModelStatus.Failed, ModelAvailability.Unavailable)]
    [InlineData(ModelStatus.Retiring, ModelAvailability.Unavailable)]
    public void Describe_OneCopy_SaysWhetherTheModelServes(ModelStatus status, ModelAvailability availability)
    {
        var model = Latest.Describe("a", [Snapshot("a", 1, 1, status)]);

        Assert.Equal(availability, model.Availability);
        Assert.Equal(status == ModelStatus.Ready, model.Serving is not null);
    }

    [Fact]
    public void Describe_SeveralVersions_ServesTheHighestReadyAndListsEveryReadyVersionAscending()
    {
        var model = Latest.Describe("a", [Snapshot("a", 3, 3, ModelStatus.Loading), Snapshot("a", 2, 2, ModelStatus.Ready), Snapshot("a", 1, 1, ModelStatus.Ready), Snapshot("b", 9, 4, ModelStatus.Ready)]);

        Assert.Equal(2L, model.Serving!.Version);
        Assert.Equal([1L, 2L], model.ReadyVersions);
        Assert.Equal([3L, 2L, 1L], model.Versions.Select(v => v.Version));
    }

    [Fact]
    public void Assess_EveryVersionServing_IsReadyWithOneHealthyEntryEach()
    {
        var readiness = Latest.Assess([Snapshot("a", 1, 1, ModelStatus.Ready), Snapshot("b", 2, 2, ModelStatus.Retiring)], initialLoadComplete: true, draining: false);

        Assert.True(readiness.IsReady);
        Assert.Equal(
            [("model:a:1", ReadinessHealth.Healthy, "text-classification on CPU"), ("model:b:2", ReadinessHealth.Healthy, "retiring: replaced")],
            readiness.Entries.Select(e => (e.Key, e.Health, e.Description)));
    }

    [Fact]
    public void Assess_RefusedVersion_IsDegradedButReady()
    {
        var readiness = Latest.Assess([Snapshot("a", 1, 1, ModelStatus.Failed)], initialLoadComplete: true, draining: false);

        Assert.True(readiness.IsReady);
        Assert.Equal(ReadinessHealth.Degraded, Assert.Single(readiness.Entries).Health);
    }

    [Fact]
    public void Assess_NewVersionLoadingBesideTheServingOne_IsReadyWithTheLoadDegraded()
    {
        var readiness = Latest.Assess([Snapshot("a", 2, 2, ModelStatus.Loading), Snapshot("a", 1, 1, ModelStatus.Ready)], initialLoadComplete: true, draining: false);

        Assert.True(readiness.IsReady);
        Assert.Equal(
            [("model:a:2", ReadinessHealth.Degraded, "loading and warming up; version 1 serves meanwhile"), ("model:a:1", ReadinessHealth.Healthy, "text-classification on CPU")],
            readiness.Entries.Select(e => (e.Key, e.Health, e.Description)));
    }

    [Fact]
    public void Assess_ModelAddedAfterTheFirstScanStillLoading_IsReadyWithTheLoadDegraded()
    {
        var readiness = Latest.Assess([Snapshot("a", 1, 1, ModelStatus.Ready), Snapshot("b", 1, 2, ModelStatus.Loading)], initialLoadComplete: true, draining: false);

        Assert.True(readiness.IsReady);
        Assert.Equal((ReadinessHealth.Degraded, "loading and warming up; no version serves yet"), (readiness.Entries[1].Health, readiness.Entries[1].Description));
    }

    [Fact]
    public void Assess_FirstScanNotDone_IsNotReadyWithAModelsEntry()
    {
        var readiness = Latest.Assess([Snapshot("a", 1, 1, ModelStatus.Loading)], initialLoadComplete: false, draining: false);

        Assert.False(readiness.IsReady);
        Assert.Equal(
            [("models", ReadinessHealth.Unready), ("model:a:1", ReadinessHealth.Degraded)],
            readiness.Entries.Select(e => (e.Key, e.Health)));
    }

    [Fact]
    public void Assess_Draining_IsNotReadyWithAServerEntry()
    {
        var readiness = Latest.Assess([Snapshot("a", 1, 1, ModelStatus.Ready)], initialLoadComplete: true, draining: true);

        Assert.False(readiness.IsReady);
        Assert.Equal(("server", ReadinessHealth.Unready), (readiness.Entries[^1].Key, readiness.Entries[^1].Health));
    }

    [Fact]
    public void PlanLoad_LoadedAndUnchanged_LoadsTheWantedVersionsAgainAtOnce()
    {
        var plan = new VersionPolicy(versionsToServe: 2).PlanLoad(
            "a", [Folder("a", 1, "f1"), Folder("a", 2, "f2"), Folder("a", 3, "f3"), Folder("b", 1)], [Copy("a", 3, 1, ModelStatus.Ready, "f3")], NothingSeen);

        Assert.Equal([("a", 3L), ("a", 2L)], plan.Load.Select(d => (d.Name, d.Version)));
        Assert.Empty(plan.Retire);
    }

    [Fact]
    public void PlanLoad_VersionFolderGone_RetiresItAndLeavesOtherModelsAlone()
    {
        State[] loaded = [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Ready), Copy("b", 1, 3, ModelStatus.Ready)];

        var plan = Latest.PlanLoad("a", [Folder("a", 2), Folder("b", 7)], loaded, NothingSeen);

        var (retired, reason) = Assert.Single(plan.Retire);
        Assert.Equal(("a", 1L), (retired.Name, retired.Version));
        Assert.Equal("removed from the model repository", reason);
        var reloaded = Assert.Single(plan.Load);
        Assert.Equal(("a", 2L), (reloaded.Name, reloaded.Version));
    }

    [Fact]
    public void PlanLoad_WhatTheLastScanSaw_IsKept()
    {
        var seen = new Dictionary<(string Name, long Version), string> { [("a", 1)] = "f1", [("b", 1)] = "g1" };

        var plan = Latest.PlanLoad("a", [Folder("a", 1, "f1"), Folder("b", 1, "g1")], Array.Empty<State>(), seen);

        Assert.Equal(seen, plan.Seen);
    }

    [Fact]
    public void PlanUnload_EveryCopyOfTheModel_RetiresAllButTheRetiringOnes()
    {
        State[] loaded = [Copy("a", 1, 1, ModelStatus.Ready), Copy("a", 2, 2, ModelStatus.Loading), Copy("a", 2, 3, ModelStatus.Failed), Copy("a", 1, 4, ModelStatus.Retiring), Copy("b", 1, 5, ModelStatus.Ready)];

        var retire = Latest.PlanUnload("a", loaded);

        Assert.Equal([1L, 2L, 3L], retire.Select(r => r.Version.Generation));
        Assert.All(retire, r => Assert.Equal("unloaded through the repository API", r.Reason));
    }

    private static DiscoveredVersion Folder(string name, long version, string fingerprint = "f") => new(name, version, $"/models/{name}/{version}", fingerprint);

    private static State Copy(string name, long version, long generation, ModelStatus status, string fingerprint = "f", string? reason = null) =>
        new(name, version, generation, status, reason, fingerprint);

    private static VersionSnapshot Snapshot(string name, long version, long generation, ModelStatus status)
    {
        var description = status == ModelStatus.Ready || status == ModelStatus.Retiring
            ? new ModelDescription(ModelTask.TextClassification, ["no", "yes"], 128, new BatchLimits(8, 1024, TimeSpan.Zero, 16, 1), TimeSpan.FromSeconds(30), "CPU", new ModelSignature([], []))
            : null;
        var reason = status switch
        {
            ModelStatus.Failed => "bad labels",
            ModelStatus.Retiring => "replaced",
            _ => null,
        };
        return new VersionSnapshot(name, version, generation, status, reason, "f", description, null, 0);
    }

    /// <summary>A version copy as the policy sees it.</summary>
    private sealed record State(string Name, long Version, long Generation, ModelStatus Status, string? Reason, string Fingerprint) : IVersionState;
}
