namespace InferenceApi.Trainer.Training;

/// <summary>
/// The learning rate of each optimizer step: constant, or a cosine from the base rate down to
/// <see cref="Floor"/> of it at the last planned step. A decayed rate makes the last epochs small steps, so the kept
/// weights do not depend on which epoch the run happened to stop at (a constant rate keeps them moving).
/// </summary>
public sealed record LearningRateSchedule(double BaseRate, int TotalSteps, double Floor = 1)
{
    /// <summary>The rate as given, at every step.</summary>
    public static LearningRateSchedule Constant(double baseRate) => new(baseRate, 1);

    /// <summary>The rate at <paramref name="step"/> (0-based); steps past the plan stay at the floor.</summary>
    public double Rate(int step)
    {
        if (Floor >= 1)
        {
            return BaseRate;
        }

        var progress = Math.Clamp((double)step / Math.Max(TotalSteps - 1, 1), 0, 1);
        return BaseRate * (Floor + ((1 - Floor) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }
}
