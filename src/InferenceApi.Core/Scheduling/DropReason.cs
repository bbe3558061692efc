namespace InferenceApi.Core.Scheduling;

/// <summary>Why a waiting request left the queue without running.</summary>
public enum DropReason
{
    Cancelled,
    Expired,

    /// <summary>
    /// Waited longer than the model's <c>MaxQueueTimeMs</c>: admission judged the wait from the queue's measured rate, and
    /// the machine turned out slower than measured. Answered as overload (429), like a refusal at admission.
    /// </summary>
    QueueTimeExceeded,
}
