namespace InferenceApi.Core.Generation;

/// <summary>
/// The wire names of <see cref="FinishReason"/>: TGI-style for <c>/v1/generate</c>, and OpenAI's coarser pair
/// for the OpenAI-compatible endpoints, where an EOS token and a stop sequence are both <c>stop</c>.
/// </summary>
public static class FinishReasonNames
{
    public static string ToApiName(this FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.EosToken => "eos_token",
        FinishReason.StopSequence => "stop_sequence",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static string ToOpenAiName(this FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.EosToken or FinishReason.StopSequence => "stop",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
