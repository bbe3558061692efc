using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// A Serilog sink the server picks up from its services (<c>ReadFrom.Services</c>): every event it logs, at every level the
/// configuration lets through, as rendered text with all its properties.
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    /// <summary>Each event as one line: level, rendered message, every property and the exception, so a search sees all of it.</summary>
    public IReadOnlyList<string> Lines => _events.Select(e =>
        $"{e.Level} {e.RenderMessage()} {string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}").ToList();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
}
