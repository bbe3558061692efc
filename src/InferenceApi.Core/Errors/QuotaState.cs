namespace InferenceApi.Core.Errors;

/// <summary>
/// One quota policy of a caller and what is left of it in the current window: what the IETF <c>RateLimit-Policy</c>
/// and <c>RateLimit</c> fields carry over HTTP, and what other protocols can report the same way.
/// </summary>
/// <param name="Policy">The policy's name (<c>requests</c> or <c>tokens</c>).</param>
/// <param name="Quota">Units allowed per window.</param>
/// <param name="Window">The window's length.</param>
/// <param name="Remaining">Units left in the current window.</param>
/// <param name="Reset">Time until the current window ends and the quota is whole again.</param>
/// <param name="Unit">The quota unit when it is not requests (<c>tokens</c>).</param>
public sealed record QuotaState(string Policy, long Quota, TimeSpan Window, long Remaining, TimeSpan Reset, string? Unit = null);
