using System.Globalization;
using System.Text.Json;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Generation;

/// <summary>
/// A model's own generation settings from <c>generation_config.json</c>: the end-of-sequence ids it stops at (one or
/// a list: Llama 3 lists <c>&lt;|end_of_text|&gt;</c>, <c>&lt;|eom_id|&gt;</c> and <c>&lt;|eot_id|&gt;</c>) and the
/// sampling defaults its authors chose. Precedence, as vLLM applies them: what a request sends, else this file, else
/// the endpoint's own default (greedy on <c>/v1/generate</c>, temperature 1 on the OpenAI endpoints).
/// </summary>
public sealed record GenerationDefaults
{
    public const string FileName = "generation_config.json";

    public static GenerationDefaults None { get; } = new();

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>
    /// The default temperature: 0 (greedy) when the file says <c>do_sample: false</c>, its <c>temperature</c> (1 when
    /// <c>do_sample: true</c> gives none) otherwise; null when the file says nothing about sampling.
    /// </summary>
    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    /// <summary>null also when the file says 0 (transformers' "no top-k filter").</summary>
    public int? TopK { get; init; }

    public float? RepetitionPenalty { get; init; }

    public int? MaxNewTokens { get; init; }

    /// <summary>Prompt + new tokens, used only when <see cref="MaxNewTokens"/> is absent (transformers' precedence).</summary>
    public int? MaxLength { get; init; }

    /// <summary>Reads the file in <paramref name="directory"/>; <see cref="None"/> when there is none. A bad value names the file and the field.</summary>
    public static GenerationDefaults Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return None;
        }

        try
        {
            // A stream, not the bytes: the stream overloads skip a UTF-8 byte order mark.
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFolderException($"{FileName} must hold a JSON object; it holds {root.ValueKind}");
            }

            var doSample = root.TryGetProperty("do_sample", out var sample) && sample.ValueKind is JsonValueKind.True or JsonValueKind.False ? sample.GetBoolean() : (bool?)null;
            var temperature = Number(root, "temperature", t => t >= 0 && t <= 100, ">= 0 and <= 100");
            var topK = Number(root, "top_k", k => k >= 0 && k == Math.Floor(k) && k <= int.MaxValue, "a whole number >= 0");
            return new GenerationDefaults
            {
                EosTokenIds = HfModelConfig.ReadTokenIds(root, "eos_token_id", path),
                Temperature = doSample == false ? 0f : (float?)temperature ?? (doSample == true ? 1f : null),
                TopP = (float?)Number(root, "top_p", p => p > 0 && p <= 1, "> 0 and <= 1"),
                TopK = topK is > 0 ? (int)topK : null,
                RepetitionPenalty = (float?)Number(root, "repetition_penalty", r => r > 0 && double.IsFinite(r), "> 0 and finite"),
                MaxNewTokens = (int?)Number(root, "max_new_tokens", n => n >= 1 && n == Math.Floor(n) && n <= int.MaxValue, "a whole number >= 1"),
                MaxLength = (int?)Number(root, "max_length", n => n >= 1 && n == Math.Floor(n) && n <= int.MaxValue, "a whole number >= 1"),
            };
        }
        catch (JsonException exception)
        {
            throw new ModelFolderException($"{FileName} is not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>The request with every sampling field it left out taken from this file (the endpoint's defaults apply after).</summary>
    public SamplingRequest Apply(SamplingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request with
        {
            Temperature = request.Temperature ?? Temperature,
            TopP = request.TopP ?? TopP,
            TopK = request.TopK ?? TopK,
            RepetitionPenalty = request.RepetitionPenalty ?? RepetitionPenalty,
        };
    }

    /// <summary>The bounds a request is checked against for a model with this file and <paramref name="vocabularySize"/> logits.</summary>
    public SamplingLimits Limits(int vocabularySize)
    {
        var limits = new SamplingLimits(vocabularySize);
        return MaxNewTokens is { } tokens ? limits with { DefaultMaxNewTokens = tokens }
            : MaxLength is { } length ? limits with { DefaultMaxLength = length }
            : limits;
    }

    private static double? Number(JsonElement root, string name, Func<double, bool> valid, string rule)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && valid(number)
            ? number
            : throw new ModelFolderException(string.Create(CultureInfo.InvariantCulture, $"{FileName}: {name} must be {rule}; it is {value.GetRawText()}"));
    }
}
