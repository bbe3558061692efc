using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// A logger provider the server picks up from its services: every entry it logs, at every level the configuration lets
/// through, with its message, its template's values and those of the scopes around it (the request line's ApiKey, …).
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Events => [.. _entries];

    /// <summary>Each entry as one line: level, message, every value and the exception, so a search sees all of it.</summary>
    public IReadOnlyList<string> Lines => _entries.Select(e =>
        $"{e.Level} {e.Message} {string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}").ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>();
            owner._scopes.ForEachScope(static (scope, values) => Collect(scope, values), properties);
            Collect(state, properties);
            owner._entries.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), properties, exception));
        }

        private static void Collect(object? state, Dictionary<string, object?> into)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    into[key] = value;
                }
            }
        }
    }
}

/// <summary>One log entry as <see cref="LogCapture"/> saw it.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> Properties, Exception? Exception);
