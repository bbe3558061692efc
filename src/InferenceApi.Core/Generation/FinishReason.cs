namespace InferenceApi.Core.Generation;

/// <summary>Why a sequence stopped generating. <see cref="FinishReasonNames"/> gives the names each API uses.</summary>
public enum FinishReason
{
    /// <summary><c>max_new_tokens</c> was reached (API name <c>length</c>; OpenAI <c>length</c>).</summary>
    Length,

    /// <summary>The model produced its end-of-sequence token (API name <c>eos_token</c>; OpenAI <c>stop</c>).</summary>
    EosToken,

    /// <summary>A requested stop sequence appeared in the generated text (API name <c>stop_sequence</c>; OpenAI <c>stop</c>).</summary>
    StopSequence,
}
