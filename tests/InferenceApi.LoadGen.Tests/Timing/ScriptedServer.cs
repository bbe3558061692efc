using System.Collections.Concurrent;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Tests.Timing;

/// <summary>
/// A server the test answers by hand: each request waits until <see cref="Answer"/>, so with a fake clock the test
/// decides exactly when every request leaves and returns. The reply runs the runner's recording inline, at the
/// clock's current time.
/// </summary>
internal sealed class ScriptedServer : IRequestSender
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ServerResponse>> _replies = new();
    private readonly ConcurrentDictionary<long, bool> _arrived = new();

    public Task<ServerResponse> SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var reply = Reply(sequence).Task;
        _arrived[sequence] = true;
        return reply;
    }

    /// <summary>True once the runner has put request <paramref name="sequence"/> on the wire (and read the clock for it).</summary>
    public bool HasArrived(long sequence) => _arrived.ContainsKey(sequence);

    public void Answer(long sequence, int status = 200) => Reply(sequence).SetResult(new ServerResponse(status));

    // Not RunContinuationsAsynchronously: the runner's continuation (which reads the clock) runs inside Answer.
    private TaskCompletionSource<ServerResponse> Reply(long sequence) => _replies.GetOrAdd(sequence, _ => new TaskCompletionSource<ServerResponse>());
}
