using System.Globalization;
using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Checks a <see cref="SamplingRequest"/> against the model's limits and returns the validated
/// <see cref="SamplingParameters"/> or the first error. Messages follow text-generation-inference: they name the
/// field, the limit and the value received ("`top_p` must be > 0.0 and &lt;= 1.0. Given: 1.5").
/// </summary>
public static class SamplingValidator
{
    /// <param name="fields">The client's names for the prompt and the token limit; text-generation-inference's when null.</param>
    public static Result<SamplingParameters> Validate(
        SamplingRequest request, int contextLength, int promptTokens, SamplingLimits limits, GenerationFields? fields = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        var (promptField, limitField) = fields ?? GenerationFields.Tgi;

        // Checked as doubles, then narrowed: a value past float's range is refused with the number the client sent.
        // Comparisons are written so that NaN fails them: !(x >= 0) is true for NaN, x < 0 is not.
        var temperature = request.Temperature ?? request.DefaultTemperature;
        if (!(temperature >= 0 && temperature <= limits.MaxTemperature))
        {
            return InferenceError.Invalid("temperature",
                $"`temperature` must be >= 0.0 and <= {Format(limits.MaxTemperature)}. Given: {Format(temperature)}",
                limits.MaxTemperature, temperature);
        }

        if (request.TopK is { } topK && (topK < 1 || topK > limits.VocabularySize))
        {
            return InferenceError.Invalid("top_k",
                $"`top_k` must be >= 1 and <= {limits.VocabularySize}. Given: {topK}", limits.VocabularySize, topK);
        }

        var topP = request.TopP ?? 1d;
        if (!(topP > 0 && topP <= 1))
        {
            return InferenceError.Invalid("top_p", $"`top_p` must be > 0.0 and <= 1.0. Given: {Format(topP)}", 1.0f, topP);
        }

        var penalty = request.RepetitionPenalty ?? 1d;
        if (!(penalty > 0 && penalty <= float.MaxValue))
        {
            return InferenceError.Invalid("repetition_penalty",
                $"`repetition_penalty` must be > 0.0 and <= 3.4e38 (float32's range). Given: {Format(penalty)}", 0.0f, penalty);
        }

        if (promptTokens < 1)
        {
            return InferenceError.Invalid(promptField, $"`{promptField}` cannot be empty", 1, promptTokens);
        }

        if (promptTokens >= contextLength)
        {
            // Not one token of room: the prompt alone is the problem, whatever max_new_tokens says.
            return new InferenceError(ErrorKind.InputTooLong,
                $"`{promptField}` must have less than {contextLength} tokens. Given: {promptTokens}")
            {
                Field = promptField,
                Limit = contextLength,
                Received = promptTokens,
            };
        }

        int maxNewTokens;
        if (request.MaxNewTokens is { } requested)
        {
            if (requested < 1)
            {
                return InferenceError.Invalid(limitField,
                    $"`{limitField}` must be >= 1. Given: {requested}", 1, requested);
            }

            if ((long)promptTokens + requested > contextLength)
            {
                return InferenceError.Invalid(limitField,
                    $"`{promptField}` tokens + `{limitField}` must be <= {contextLength}. " +
                    $"Given: {promptTokens} `{promptField}` tokens and {requested} `{limitField}`",
                    contextLength, requested);
            }

            maxNewTokens = requested;
        }
        else
        {
            var byDefault = limits.DefaultMaxLength is { } total ? Math.Max(1, total - promptTokens) : limits.DefaultMaxNewTokens;
            maxNewTokens = Math.Min(byDefault, contextLength - promptTokens);
        }

        var stops = request.StopSequences ?? [];
        if (stops.Count > limits.MaxStopSequences)
        {
            return InferenceError.Invalid("stop",
                $"`stop` supports up to {limits.MaxStopSequences} stop sequences. Given: {stops.Count}",
                limits.MaxStopSequences, stops.Count);
        }

        for (var i = 0; i < stops.Count; i++)
        {
            var stop = stops[i];
            if (string.IsNullOrEmpty(stop))
            {
                return InferenceError.Invalid($"stop[{i}]", $"`stop[{i}]` cannot be empty");
            }

            if (stop.Length > limits.MaxStopSequenceLength)
            {
                return InferenceError.Invalid($"stop[{i}]",
                    $"`stop[{i}]` must be at most {limits.MaxStopSequenceLength} characters. Given: {stop.Length} characters",
                    limits.MaxStopSequenceLength, stop.Length);
            }
        }

        return new SamplingParameters(
            (float)temperature,
            request.TopK,
            Positive(topP),
            Positive(penalty),
            request.Seed,
            maxNewTokens,
            stops.ToArray(),
            request.ReturnLogprobs);
    }

    /// <summary>A positive double as a float that stays positive: below float's smallest value it would round to 0.</summary>
    private static float Positive(double value) => Math.Max((float)value, float.Epsilon);

    /// <summary>Invariant, and always with a decimal point for whole numbers ("1.0", not "1"), as TGI prints floats.</summary>
    private static string Format(double value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal)
            ? text + ".0"
            : text;
    }
}
