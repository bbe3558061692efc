using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Tests.Models;

/// <summary>A logger whose messages are events a test can wait for: the repository logs each load, refusal and unload.</summary>
internal sealed class LogEvents<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<string> _messages = [];
    private readonly List<(string Text, int Occurrence, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Completes when the <paramref name="occurrence"/>-th message containing <paramref name="text"/> has been logged.</summary>
    public Task WaitForAsync(string text, int occurrence = 1)
    {
        lock (_gate)
        {
            if (Count(text) >= occurrence)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, occurrence, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _messages.Add(formatter(state, exception));
            foreach (var waiter in _waiters.Where(w => Count(w.Text) >= w.Occurrence).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private int Count(string text) => _messages.Count(m => m.Contains(text, StringComparison.Ordinal));
}
