using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace InferenceApi.Access;

/// <summary>
/// The keys in force: those of <c>Auth:Keys</c> plus those of <c>Auth:KeysFile</c>, which is read again when it changes
/// (file-system events, debounced, and a poll of its content for the changes events miss), so keys are rotated and
/// revoked without a restart. A file that does not parse, or breaks a rule, is refused as a whole: the last good keys
/// stay in force and the reason is logged. Readers get an immutable snapshot, so a reload never blocks a request.
/// </summary>
public sealed partial class ApiKeyStore : IDisposable
{
    /// <summary>Quiet time after the last file event before reading: editors and copies write a file in several steps.</summary>
    internal static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(200);

    private readonly ApiKey[] _configured;
    private readonly string? _path;
    private readonly ILogger _logger;
    private readonly Lock _reloadGate = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _poll;
    private readonly ITimer? _debounce;
    private ApiKey[] _keys;
    private byte[]? _fileHash;

    public ApiKeyStore(IOptions<AuthOptions> options, IHostEnvironment host, TimeProvider time, ILogger<ApiKeyStore> logger)
    {
        var value = options.Value;
        _logger = logger;
        Enabled = value.Enabled;
        var errors = new List<string>();
        _configured = [.. ApiKeyParser.Parse(value.Keys, ApiKeyParser.ConfiguredEntry, errors)];
        _keys = _configured;
        if (string.IsNullOrWhiteSpace(value.KeysFile))
        {
            ThrowIfAny(errors);
            return;
        }

        _path = Path.GetFullPath(value.KeysFile, host.ContentRootPath);
        if (TryLoadFile(errors) is false)
        {
            // The options validator refuses a bad file before this runs; this guards a file broken in between.
            ThrowIfAny(errors);
        }

        _debounce = time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = time.CreateTimer(_ => Reload(), null, value.KeysFilePollInterval, value.KeysFilePollInterval);
        _watcher = Watch(Path.GetDirectoryName(_path)!);
    }

    /// <summary>Raised after every read of the keys file that found new content, applied or refused.</summary>
    public event EventHandler<ApiKeysReloadedEventArgs>? Reloaded;

    /// <summary>Whether access control is on (a key configured, or a keys file named).</summary>
    public bool Enabled { get; }

    /// <summary>The keys in force now.</summary>
    public IReadOnlyList<ApiKey> Keys => Volatile.Read(ref _keys);

    /// <summary>Reads the keys file now if its content changed since the last read (also what events and the poll do).</summary>
    public void Reload()
    {
        if (_path is null)
        {
            return;
        }

        var errors = new List<string>();
        bool applied;
        int count;
        lock (_reloadGate)
        {
            if (TryLoadFile(errors) is not { } loaded)
            {
                return;
            }

            applied = loaded;
            count = Keys.Count;
        }

        if (applied)
        {
            LogReloaded(_path, count, string.Join(", ", Keys.Select(k => k.Name)));
        }
        else
        {
            LogRefused(_path, string.Join(" ", errors), count);
        }

        Reloaded?.Invoke(this, new ApiKeysReloadedEventArgs(applied, count, errors));
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _poll?.Dispose();
        _debounce?.Dispose();
    }

    /// <summary>
    /// Reads the file; unless its bytes are those read last time, parses them, and on success its keys, with the
    /// configured ones, replace those in force. Null when nothing changed.
    /// </summary>
    private bool? TryLoadFile(List<string> errors)
    {
        var content = ApiKeyParser.ReadFile(_path!, errors);
        var hash = content is null ? [] : SHA256.HashData(content);
        if (_fileHash is not null && hash.AsSpan().SequenceEqual(_fileHash))
        {
            errors.Clear();
            return null;
        }

        _fileHash = hash;
        if (content is null)
        {
            return false;
        }

        ApiKey[] all = [.. _configured, .. ApiKeyParser.ParseFile(_path!, content, errors)];
        if (errors.Count == 0)
        {
            ApiKeyParser.CheckUnique(all, errors);
        }

        if (errors.Count > 0)
        {
            return false;
        }

        Volatile.Write(ref _keys, all);
        return true;
    }

    private FileSystemWatcher? Watch(string directory)
    {
        try
        {
            // The whole folder: a Kubernetes Secret or ConfigMap changes by swapping a symlinked folder, not the file.
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Debounce();
            watcher.Created += (_, _) => Debounce();
            watcher.Deleted += (_, _) => Debounce();
            watcher.Renamed += (_, _) => Debounce();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            LogNoWatcher(ex, directory);
            return null;
        }
    }

    private void Debounce() => _debounce?.Change(ReloadDelay, Timeout.InfiniteTimeSpan);

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), errors);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Keys file {Path} loaded: {Count} keys in force ({Names})")]
    private partial void LogReloaded(string path, int count, string names);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keys file {Path} refused, the last good {Count} keys stay in force: {Reason}")]
    private partial void LogRefused(string path, string reason, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for changes to the keys file; it is still read every poll interval")]
    private partial void LogNoWatcher(Exception exception, string directory);
}
