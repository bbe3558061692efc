using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceApi.Validation;

/// <summary>
/// The checks every text endpoint shares, written once: model name, version, and the list of texts.
/// Messages give the field, the limit and what was received.
/// </summary>
public sealed class RequestValidator(IOptions<ApiOptions> options)
{
    private readonly ApiOptions _limits = options.Value;

    public ApiOptions Limits => _limits;

    public Result<ModelSelector> Model(string? model, long? version)
    {
        var name = ModelName.Parse(model);
        if (!name.IsSuccess)
        {
            return name.Error;
        }

        if (version is { } v && v < 1)
        {
            return InferenceError.Invalid("version", $"`version` must be a positive integer. Given: {v}", limit: 1, received: v);
        }

        return new ModelSelector(name.Value, version);
    }

    public Result<IReadOnlyList<string>> Texts(TextInputs? inputs, string field)
    {
        if (inputs is null)
        {
            return InferenceError.Invalid(field, $"`{field}` is required: a string or an array of strings.");
        }

        var items = inputs.Items;
        if (items.Count == 0)
        {
            return InferenceError.Invalid(field, $"`{field}` must not be empty.", limit: _limits.MaxInputsPerRequest, received: 0);
        }

        if (items.Count > _limits.MaxInputsPerRequest)
        {
            return InferenceError.Invalid(
                field,
                $"`{field}` has {items.Count} texts; at most {_limits.MaxInputsPerRequest} are allowed per request.",
                limit: _limits.MaxInputsPerRequest,
                received: items.Count);
        }

        for (var i = 0; i < items.Count; i++)
        {
            var path = inputs.IsSingle ? field : $"{field}[{i}]";
            if (string.IsNullOrWhiteSpace(items[i]))
            {
                return InferenceError.Invalid(path, $"`{path}` is empty or only whitespace.");
            }

            if (items[i].Length > _limits.MaxInputCharacters)
            {
                return new InferenceError(
                    ErrorKind.PayloadTooLarge,
                    $"`{path}` has {items[i].Length} characters; at most {_limits.MaxInputCharacters} are allowed.")
                {
                    Field = path,
                    Limit = _limits.MaxInputCharacters,
                    Received = items[i].Length,
                };
            }
        }

        return Result<IReadOnlyList<string>>.Ok(items);
    }

    public InferenceError? TopK(int? topK, int labelCount)
    {
        if (topK is { } k && (k < 1 || k > labelCount))
        {
            return InferenceError.Invalid("top_k", $"`top_k` must be between 1 and {labelCount} (the model's label count). Given: {k}", limit: labelCount, received: k);
        }

        return null;
    }
}
