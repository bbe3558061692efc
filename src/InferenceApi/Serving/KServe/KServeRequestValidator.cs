using System.Globalization;
using System.Text.Json;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Validation;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// The checks every KServe v2 request gets whatever the model: route name and version, then each input's name,
/// datatype, shape and data (flat or nested, read into typed arrays), and the requested output names. Also the
/// batch-dimension check adapters share. Messages give the field, the limit and what was received.
/// </summary>
public sealed class KServeRequestValidator(RequestValidator limits)
{
    public static Result<ModelSelector> Route(string name, string? version)
    {
        var model = ModelName.Parse(name, "name");
        if (!model.IsSuccess)
        {
            return model.Error;
        }

        if (version is null)
        {
            return new ModelSelector(model.Value, null);
        }

        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
        {
            var shown = version.Length <= 32 ? version : version[..32] + "…";
            return InferenceError.Invalid("version", $"The model version must be a positive integer. Given: '{shown}'", limit: 1, received: shown);
        }

        return new ModelSelector(model.Value, parsed);
    }

    public Result<ValidatedInferRequest> Validate(KServeInferRequest? request)
    {
        if (request?.Inputs is not { Count: > 0 } inputs)
        {
            return InferenceError.Invalid("inputs", "`inputs` is required: a list of tensors, each {name, shape, datatype, data}. GET /v2/models/{name} lists a model's inputs.");
        }

        var tensors = new KServeTensor[inputs.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = Read(i, inputs[i]);
            if (!tensor.IsSuccess)
            {
                return tensor.Error;
            }

            if (!names.Add(tensor.Value.Name))
            {
                return InferenceError.Invalid($"inputs[{i}].name", $"Input '{tensor.Value.Name}' appears more than once in `inputs`.", received: tensor.Value.Name);
            }

            tensors[i] = tensor.Value;
        }

        List<string>? requested = null;
        if (request.Outputs is { } outputs)
        {
            requested = [];
            for (var o = 0; o < outputs.Count; o++)
            {
                var name = outputs[o]?.Name;
                if (string.IsNullOrEmpty(name))
                {
                    return InferenceError.Invalid($"outputs[{o}].name", $"`outputs[{o}].name` is required.");
                }

                if (requested.Contains(name))
                {
                    return InferenceError.Invalid($"outputs[{o}].name", $"Output '{name}' appears more than once in `outputs`.", received: name);
                }

                requested.Add(name);
            }
        }

        return new ValidatedInferRequest(request.Id, request.Parameters, tensors, requested);
    }

    /// <summary>
    /// The batch size shared by <paramref name="inputs"/> (their first dimension): they must agree, and it must be
    /// between 1 and <c>Api:MaxInputsPerRequest</c>. Every input must have rank 1 or more.
    /// </summary>
    public Result<int> BatchSize(params KServeTensor[] inputs)
    {
        var first = inputs[0];
        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0)
            {
                return InferenceError.Invalid($"{input.Field}.shape", $"Input '{input.Name}' needs a batch dimension; its shape is [].", received: input.ShapeText);
            }

            if (input.Shape[0] != first.Shape[0])
            {
                return InferenceError.Invalid(
                    $"{input.Field}.shape",
                    $"Inputs '{first.Name}' and '{input.Name}' have different batch sizes: {first.Shape[0]} and {input.Shape[0]}.",
                    limit: first.Shape[0],
                    received: input.Shape[0]);
            }
        }

        var batch = first.Shape[0];
        var max = limits.Limits.MaxInputsPerRequest;
        if (batch == 0)
        {
            return InferenceError.Invalid($"{first.Field}.shape", $"Input '{first.Name}' has an empty batch (shape {first.ShapeText}); send at least one row.", limit: max, received: 0);
        }

        if (batch > max)
        {
            return InferenceError.Invalid(
                $"{first.Field}.shape",
                $"Input '{first.Name}' has a batch of {batch}; at most {max} rows are allowed per request (Api:MaxInputsPerRequest).",
                limit: max,
                received: batch);
        }

        return (int)batch;
    }

    private static Result<KServeTensor> Read(int index, KServeRequestInput? input)
    {
        var field = $"inputs[{index}]";
        if (input is null)
        {
            return InferenceError.Invalid(field, $"`{field}` must be a tensor object {{name, shape, datatype, data}}.");
        }

        if (string.IsNullOrEmpty(input.Name))
        {
            return InferenceError.Invalid($"{field}.name", $"`{field}.name` is required.");
        }

        if (string.IsNullOrEmpty(input.Datatype))
        {
            return InferenceError.Invalid($"{field}.datatype", $"`{field}.datatype` is required for input '{input.Name}'.");
        }

        if (!KServeDatatype.Supported.Contains(input.Datatype))
        {
            return InferenceError.Invalid(
                $"{field}.datatype",
                $"Input '{input.Name}' has datatype '{input.Datatype}'; this server reads {string.Join(", ", KServeDatatype.Supported)}.",
                limit: KServeDatatype.Supported,
                received: input.Datatype);
        }

        if (input.Shape is null)
        {
            return InferenceError.Invalid($"{field}.shape", $"`{field}.shape` is required for input '{input.Name}'.");
        }

        long expected = 1;
        foreach (var dim in input.Shape)
        {
            if (dim < 0)
            {
                return InferenceError.Invalid($"{field}.shape", $"Input '{input.Name}' has a negative dimension in its shape {KServeTensor.FormatShape(input.Shape)}.", received: KServeTensor.FormatShape(input.Shape));
            }

            // Past int.MaxValue no body could hold the data; saturate rather than overflow.
            expected = Math.Min(expected * dim, (long)int.MaxValue + 1);
        }

        if (input.Data is not { ValueKind: JsonValueKind.Array } data)
        {
            return InferenceError.Invalid($"{field}.data", $"`{field}.data` is required for input '{input.Name}': an array of its elements, flat or nested.");
        }

        var elements = new List<JsonElement>();
        Flatten(data, elements);
        if (elements.Count != expected)
        {
            return InferenceError.Invalid(
                $"{field}.data",
                $"Input '{input.Name}' has shape {KServeTensor.FormatShape(input.Shape)}, which holds {expected} elements, but its data has {elements.Count}.",
                limit: expected,
                received: elements.Count);
        }

        long[]? integers = null;
        float[]? floats = null;
        string[]? strings = null;
        switch (input.Datatype)
        {
            case KServeDatatype.Bytes:
                strings = new string[elements.Count];
                break;
            case KServeDatatype.Fp32:
                floats = new float[elements.Count];
                break;
            default:
                integers = new long[elements.Count];
                break;
        }

        for (var e = 0; e < elements.Count; e++)
        {
            var element = elements[e];
            var ok = input.Datatype switch
            {
                KServeDatatype.Bytes => TryString(element, strings!, e),
                KServeDatatype.Fp32 => TryFloat(element, floats!, e),
                KServeDatatype.Int32 => TryInteger(element, integers!, e, int.MinValue, int.MaxValue),
                _ => TryInteger(element, integers!, e, long.MinValue, long.MaxValue),
            };
            if (!ok && element.ValueKind == JsonValueKind.String && input.Datatype == KServeDatatype.Bytes)
            {
                return JsonText.NotText($"{field}.data[{e}]");
            }

            if (!ok)
            {
                var kind = input.Datatype switch
                {
                    KServeDatatype.Bytes => "a string",
                    KServeDatatype.Fp32 => "a number",
                    _ => $"an integer within {input.Datatype}'s range",
                };
                var shown = JsonText.Excerpt(element);
                return InferenceError.Invalid(
                    $"{field}.data[{e}]",
                    $"Input '{input.Name}' is {input.Datatype}, so every element must be {kind}; element {e} (row-major) is {shown}.",
                    received: shown);
            }
        }

        return new KServeTensor(index, input.Name, input.Datatype, [.. input.Shape], integers, floats, strings, input.Parameters);
    }

    private static void Flatten(JsonElement element, List<JsonElement> into)
    {
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, into);
            }
            else
            {
                into.Add(item);
            }
        }
    }

    private static bool TryString(JsonElement element, string[] into, int index)
    {
        if (!JsonText.TryGetString(element, out var text))
        {
            return false;
        }

        into[index] = text;
        return true;
    }

    private static bool TryFloat(JsonElement element, float[] into, int index)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !float.IsFinite((float)value))
        {
            return false;
        }

        into[index] = (float)value;
        return true;
    }

    private static bool TryInteger(JsonElement element, long[] into, int index, long min, long max)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value) || value < min || value > max)
        {
            return false;
        }

        into[index] = value;
        return true;
    }

    /// <summary>An error naming the input when its datatype is not <paramref name="datatype"/>.</summary>
    public static InferenceError? RequireDatatype(KServeTensor tensor, string datatype) =>
        tensor.Datatype == datatype
            ? null
            : InferenceError.Invalid(
                $"{tensor.Field}.datatype",
                $"Input '{tensor.Name}' must be {datatype}; it is {tensor.Datatype}.",
                limit: datatype,
                received: tensor.Datatype);
}
