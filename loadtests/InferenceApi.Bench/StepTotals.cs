namespace InferenceApi.Bench;

/// <summary>Decode-step counters read from the server's metrics.</summary>
internal readonly record struct StepTotals(double Count, double Rows, double Tokens, double Seconds)
{
    public StepTotals Minus(StepTotals earlier) => new(Count - earlier.Count, Rows - earlier.Rows, Tokens - earlier.Tokens, Seconds - earlier.Seconds);
}
