namespace InferenceApi.Core.Backends;

/// <summary>One past/present tensor's fixed dimensions, [batch, <see cref="Heads"/>, sequence, <see cref="HeadDim"/>].</summary>
public readonly record struct KvTensorShape(int Heads, int HeadDim)
{
    /// <summary>Values one position adds to this tensor for one sequence.</summary>
    public int PositionWidth => Heads * HeadDim;
}
