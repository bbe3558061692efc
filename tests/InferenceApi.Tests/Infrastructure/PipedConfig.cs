using System.Diagnostics;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// Turns a model folder's <c>config.json</c> into a named pipe holding the same text: the server's load of that
/// folder blocks in its read, as on a slow network file system, until <see cref="ReleaseAsync"/> writes the text
/// through. A real load held at a known point, so a test can look at the server while a version loads.
/// </summary>
internal sealed class PipedConfig : IAsyncDisposable
{
    private readonly string _pipe;
    private readonly string _contents;
    private readonly DateTime _lastWrite;
    private Task? _written;

    private PipedConfig(string pipe, string contents, DateTime lastWrite)
    {
        _pipe = pipe;
        _contents = contents;
        _lastWrite = lastWrite;
    }

    public static PipedConfig Replace(string folder)
    {
        var pipe = Path.Combine(folder, "config.json");
        var contents = File.ReadAllText(pipe);
        File.Delete(pipe);
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        return new PipedConfig(pipe, contents, File.GetLastWriteTimeUtc(pipe));
    }

    /// <summary>
    /// Writes the text through the pipe once the load opens it, then puts the pipe's time stamp back: a write moves
    /// it, and the repository would take the new fingerprint for a changed folder and load it again.
    /// </summary>
    public Task ReleaseAsync()
    {
        _written ??= Task.Run(() =>
        {
            File.WriteAllText(_pipe, _contents);
            File.SetLastWriteTimeUtc(_pipe, _lastWrite);
        });
        return _written.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A test that failed before releasing would leave the load blocked, and the server's drain with it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_written is null)
        {
            await ReleaseAsync();
        }
    }
}
