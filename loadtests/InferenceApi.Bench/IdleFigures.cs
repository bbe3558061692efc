namespace InferenceApi.Bench;

/// <summary>
/// The p50s (ms) of <see cref="IdleComparison"/>: the raw batch-1 <c>Run</c>; the server's idle request; the bare
/// endpoint with raw's threading and the <c>Run</c> inside it; the same with the server's threading.
/// </summary>
internal sealed record IdleFigures(double RawRun, double Server, double Floor, double FloorRun, double FloorShared, double FloorSharedRun)
{
    /// <summary>Issue 13's P2: the server's idle p50 over the raw <c>Run</c>.</summary>
    public double P2 => Server - RawRun;

    /// <summary>What HTTP alone adds to a <c>Run</c> with raw's threading: the bare endpoint's p50 − its <c>Run</c>.</summary>
    public double Http => Floor - FloorRun;

    /// <summary>The same with the server's threading.</summary>
    public double HttpShared => FloorShared - FloorSharedRun;

    /// <summary>What the server's threading (the shared pool, no spinning) adds to the <c>Run</c> after the idle gap of one client's requests.</summary>
    public double Threading => FloorSharedRun - FloorRun;

    /// <summary>The server's own work: its idle p50 over the bare endpoint's with the same threading.</summary>
    public double Own => Server - FloorShared;
}
