namespace InferenceApi.Core.Tokenization;

/// <summary>
/// The ids of one text, special tokens included.
/// <see cref="OriginalLength"/> is the length before truncation (equal to <c>Ids.Length</c> when nothing was cut).
/// </summary>
public sealed record TokenizedText(int[] Ids, int OriginalLength)
{
    public int Length => Ids.Length;

    public bool WasTruncated => OriginalLength > Ids.Length;
}
