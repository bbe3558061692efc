using InferenceApi.Access;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Access;

public sealed class ApiKeyStoreTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _folder = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<ApiKeyStore> _log = new();
    private readonly TestKey _old = new("team-a", ["sentiment"]);
    private readonly TestKey _new = new("team-a", ["sentiment"]);
    private readonly TestKey _other = new("team-b", ["*"]);

    private string KeysFile => Path.Combine(_folder.Path, "keys.json");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Poll_FileRotatedAndAKeyAdded_ServesTheNewKeysOnly()
    {
        Write(_old);
        using var store = Store();
        var authenticator = new ApiKeyAuthenticator(store);
        Assert.True(authenticator.Authenticate("Bearer " + _old.Key, null).IsSuccess);

        Write(_new, _other);
        var reloads = Reloads(store);
        AdvancePollUntil(reloads, 1);

        Assert.True(Assert.Single(reloads).Applied);
        Assert.False(authenticator.Authenticate("Bearer " + _old.Key, null).IsSuccess);
        Assert.Equal("team-a", authenticator.Authenticate("Bearer " + _new.Key, null).Value?.Name);
        Assert.Equal("team-b", authenticator.Authenticate(null, _other.Key).Value?.Name);
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("2 keys in force (team-a, team-b)", StringComparison.Ordinal));
    }

    [Fact]
    public void Poll_LastKeyRevoked_EveryKeyIsRefusedAndAccessControlStaysOn()
    {
        Write(_old);
        using var store = Store();
        var reloads = Reloads(store);
        File.WriteAllText(KeysFile, "[]");

        AdvancePollUntil(reloads, 1);

        Assert.True(store.Enabled);
        Assert.Empty(store.Keys);
        Assert.Equal(Core.Errors.ErrorKind.InvalidApiKey, new ApiKeyAuthenticator(store).Authenticate("Bearer " + _old.Key, null).Error?.Kind);
    }

    [Theory]
    [InlineData("[{\"Name\": \"team-a\", \"Sha256\": ")]
    [InlineData("[{\"Name\": \"team-a\", \"Sha256\": \"abc\", \"Models\": [\"*\"]}]")]
    public void Poll_BrokenEdit_KeepsTheLastGoodKeysAndLogsWhy(string broken)
    {
        Write(_old);
        using var store = Store();
        var reloads = Reloads(store);
        File.WriteAllText(KeysFile, broken);

        AdvancePollUntil(reloads, 1);

        var reload = Assert.Single(reloads);
        Assert.False(reload.Applied);
        Assert.Equal(1, reload.KeysInForce);
        Assert.True(new ApiKeyAuthenticator(store).Authenticate("Bearer " + _old.Key, null).IsSuccess);
        var warning = Assert.Single(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("refused, the last good 1 keys stay in force", warning.Message);
        Assert.Contains(KeysFile, warning.Message);

        // The same broken content is not reported again at every poll; the fix is picked up.
        _time.Advance(Poll);
        Assert.Single(reloads);
        Write(_new);
        AdvancePollUntil(reloads, 2);
        Assert.True(reloads[^1].Applied);
        Assert.True(new ApiKeyAuthenticator(store).Authenticate("Bearer " + _new.Key, null).IsSuccess);
    }

    [Fact]
    public void Poll_FileDeleted_KeepsTheLastGoodKeys()
    {
        Write(_old);
        using var store = Store();
        var reloads = Reloads(store);
        File.Delete(KeysFile);

        AdvancePollUntil(reloads, 1);

        Assert.Equal("team-a", Assert.Single(store.Keys).Name);
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watcher_FileReplacedByRename_ReloadsWithoutWaitingForThePoll()
    {
        Write(_old);
        using var store = AccessUnits.Store(new AuthOptions { KeysFile = KeysFile, KeysFilePollInterval = TimeSpan.FromHours(1) }, _folder.Path, TimeProvider.System, _log);
        var reloaded = new TaskCompletionSource<ApiKeysReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Reloaded += (_, e) => reloaded.TrySetResult(e);

        // Written beside it and renamed over it, as an atomic publish (and a Kubernetes Secret update) does.
        var staged = Path.Combine(_folder.Path, ".keys.json.tmp");
        File.WriteAllText(staged, TestKey.FileJson(_new));
        File.Move(staged, KeysFile, overwrite: true);

        var reload = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(reload.Applied);
        Assert.True(new ApiKeyAuthenticator(store).Authenticate("Bearer " + _new.Key, null).IsSuccess);
    }

    [Fact]
    public void Constructor_ConfiguredAndFileKeys_AreInForceTogether()
    {
        Write(_other);
        using var store = AccessUnits.Store(new AuthOptions { Keys = [_old.Entry], KeysFile = KeysFile }, _folder.Path, _time);

        Assert.Equal(["team-a", "team-b"], store.Keys.Select(k => k.Name));
    }

    [Fact]
    public void Validator_BadFileAtStart_FailsNamingTheFile()
    {
        File.WriteAllText(KeysFile, "not json");
        var validator = new AuthOptionsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = _folder.Path });

        var result = validator.Validate(null, new AuthOptions { KeysFile = "keys.json" });

        Assert.True(result.Failed);
        Assert.Contains($"'{KeysFile}' is not a JSON array of keys", result.FailureMessage);
    }

    private ApiKeyStore Store() => AccessUnits.Store(new AuthOptions { KeysFile = KeysFile, KeysFilePollInterval = Poll }, _folder.Path, _time, _log);

    private void Write(params TestKey[] keys) => File.WriteAllText(KeysFile, TestKey.FileJson(keys));

    /// <summary>Every reload the store reports, from whichever thread it ran on (see <see cref="AdvancePollUntil"/>).</summary>
    private static List<ApiKeysReloadedEventArgs> Reloads(ApiKeyStore store)
    {
        var reloads = new List<ApiKeysReloadedEventArgs>();
        store.Reloaded += (_, e) =>
        {
            lock (reloads)
            {
                reloads.Add(e);
            }
        };
        return reloads;
    }

    /// <summary>
    /// Advances the fake clock by one poll and waits (5 s at most) until the store has reported <paramref name="count"/>
    /// reloads in all. The store's real file watcher also sees each write and arms its debounce timer from its own
    /// thread, and <see cref="FakeTimeProvider"/> runs due timers on whichever thread is already running them: the
    /// poll's reload can then land on the watcher's thread just after <c>Advance</c> returns, or be skipped by it (1 CI
    /// run in 13 failed on that). Advancing by zero again runs anything still due once that thread is done.
    /// </summary>
    private void AdvancePollUntil(List<ApiKeysReloadedEventArgs> reloads, int count)
    {
        _time.Advance(Poll);
        SpinWait.SpinUntil(
            () =>
            {
                _time.Advance(TimeSpan.Zero);
                lock (reloads)
                {
                    return reloads.Count >= count;
                }
            },
            TimeSpan.FromSeconds(5));
    }
}
