namespace InferenceApi.Core.Scheduling;

/// <summary>Why a waiting request left the queue without running.</summary>
public enum DropReason
{
    Cancelled,
    Expired,
}
