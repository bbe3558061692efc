namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// What one request came back with, as a scenario saw it. <see cref="Status"/> is 0 when no HTTP response arrived
/// (connection failure, timeout); then <see cref="Error"/> names the kind. Timestamps are <see cref="System.Diagnostics.Stopwatch"/> ticks.
/// </summary>
public sealed record ServerResponse(int Status, string? Error = null)
{
    /// <summary>The server's x-queue-time header, milliseconds.</summary>
    public double? QueueMs { get; init; }

    /// <summary>The server's x-inference-time header, milliseconds.</summary>
    public double? InferenceMs { get; init; }

    /// <summary>The server's X-Cache header (hit, miss or partial), when it sent one.</summary>
    public string? Cache { get; init; }

    /// <summary>Stopwatch timestamp of the first streamed token (generate scenario only).</summary>
    public long? FirstTokenTimestamp { get; init; }

    /// <summary>Streamed tokens received (generate scenario only).</summary>
    public int Tokens { get; init; }

    /// <summary>Gaps between consecutive streamed tokens, milliseconds.</summary>
    public IReadOnlyList<double> InterTokenMs { get; init; } = [];

    public bool IsError => Status is 0 or >= 400 || Error is not null;
}
