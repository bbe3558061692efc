using System.Diagnostics;

namespace InferenceApi.Core.Scheduling;

/// <summary>What every scheduler knows about a request while it waits, to drop it before it costs compute (<see cref="Admission.Drop"/>).</summary>
public interface IQueuedRequest
{
    /// <summary>When the request entered the queue.</summary>
    DateTimeOffset EnqueuedAt { get; }

    /// <summary>After this instant the request is not worth starting (504).</summary>
    DateTimeOffset Deadline { get; }

    /// <summary>True once the client has gone away.</summary>
    bool IsCancelled { get; }

    /// <summary>
    /// True once another part of the same request has started running: the max queue time bounds a request's wait to
    /// start, not its own later parts' wait behind its earlier ones.
    /// </summary>
    bool RequestStarted => false;

    /// <summary>The span of the request that queued it (none when nothing traces), for its queue span and the batch's links.</summary>
    ActivityContext TraceContext => default;
}
