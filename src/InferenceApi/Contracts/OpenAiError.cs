using System.Text.Json.Serialization;

namespace InferenceApi.Contracts;

/// <summary>
/// OpenAI's error object. <see cref="Param"/> (the field at fault) and <see cref="Code"/> are always written, null
/// when there is none, as OpenAI writes them.
/// </summary>
public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);
