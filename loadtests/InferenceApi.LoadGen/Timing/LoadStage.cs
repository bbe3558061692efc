namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// One part of a load profile: a level (requests per second in open loop, clients in closed loop) held for
/// <see cref="Duration"/>, or ramped linearly from <see cref="Start"/> to <see cref="End"/> when they differ.
/// </summary>
public sealed record LoadStage(double Start, double End, TimeSpan Duration)
{
    public bool IsRamp => Start != End;

    public override string ToString() =>
        IsRamp ? FormattableString.Invariant($"{Start}-{End}:{Duration.TotalSeconds}s")
               : FormattableString.Invariant($"{Start}:{Duration.TotalSeconds}s");
}
