using System.Globalization;
using System.Text.Json;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tensors;
using InferenceApi.Validation;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// The checks every KServe v2 request gets whatever the model: route name and version, then each input's name,
/// datatype, shape and data (flat or nested, read into typed arrays), and the requested output names. Also the
/// batch-dimension check adapters share. Messages give the field, the limit and what was received.
/// </summary>
public sealed class KServeRequestValidator(RequestValidator limits)
{
    /// <summary>The binary tensor extension's parameter on an input or output: the tensor's byte count after the JSON header.</summary>
    public const string BinaryDataSize = "binary_data_size";

    private static readonly InferenceError MissingInputs =
        InferenceError.Invalid("inputs", "`inputs` is required: a list of tensors, each {name, shape, datatype, data}. GET /v2/models/{name} lists a model's inputs.");

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

    /// <summary>
    /// A REST request: its JSON body, and the bytes after it when it used the binary tensor extension (each input with a
    /// <c>binary_data_size</c> parameter takes its bytes from there, in input order, and they must add up).
    /// </summary>
    public Result<ValidatedInferRequest> Validate(KServeInferRequest? request, ReadOnlyMemory<byte> binary = default)
    {
        if (request?.Inputs is not { Count: > 0 } inputs)
        {
            return MissingInputs;
        }

        var sources = new KServeInputSource?[inputs.Count];
        var offset = 0L;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { } input)
            {
                continue;
            }

            if (input.Parameters?.TryGetValue(BinaryDataSize, out var declared) != true)
            {
                sources[i] = new KServeInputSource(input.Name, input.Shape, input.Datatype, input.Parameters, Json: input.Data);
                continue;
            }

            var field = $"inputs[{i}].parameters.{BinaryDataSize}";
            if (declared.ValueKind != JsonValueKind.Number || !declared.TryGetInt64(out var size) || size < 0 || size > binary.Length - offset)
            {
                return InferenceError.Invalid(
                    field,
                    $"`{field}` must be a byte count within the {binary.Length - offset} binary bytes left after the JSON header (Inference-Header-Content-Length gives the header's length). Given: {declared.GetRawText()}",
                    limit: binary.Length - offset,
                    received: declared.GetRawText());
            }

            sources[i] = new KServeInputSource(input.Name, input.Shape, input.Datatype, input.Parameters, Raw: binary.Slice((int)offset, (int)size));
            offset += size;
        }

        if (offset != binary.Length)
        {
            return InferenceError.Invalid(
                "inputs",
                $"The body has {binary.Length} bytes of binary data after the JSON header, but the inputs' {BinaryDataSize} parameters add up to {offset}.",
                limit: offset,
                received: binary.Length);
        }

        return Validate(request.Id, request.Parameters, sources, request.Outputs?.Select(o => o?.Name).ToArray());
    }

    /// <summary>Any transport's request: each input read from its source, names unique; requested outputs named and unique.</summary>
    public Result<ValidatedInferRequest> Validate(
        string? id,
        IReadOnlyDictionary<string, JsonElement>? parameters,
        IReadOnlyList<KServeInputSource?> inputs,
        IReadOnlyList<string?>? outputs)
    {
        if (inputs.Count == 0)
        {
            return MissingInputs;
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
        if (outputs is not null)
        {
            requested = [];
            for (var o = 0; o < outputs.Count; o++)
            {
                var name = outputs[o];
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

        return new ValidatedInferRequest(id, parameters, tensors, requested);
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

    private static Result<KServeTensor> Read(int index, KServeInputSource? input)
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

        if (!TensorElementNames.TryParse(input.Datatype, out var element))
        {
            return InferenceError.Invalid(
                $"{field}.datatype",
                $"Input '{input.Name}' has datatype '{input.Datatype}'; the protocol's datatypes are {string.Join(", ", KServeDatatype.Supported)}.",
                limit: KServeDatatype.Supported,
                received: input.Datatype);
        }

        if (input.Shape is null)
        {
            return InferenceError.Invalid($"{field}.shape", $"`{field}.shape` is required for input '{input.Name}'.");
        }

        long[] shape = [.. input.Shape];
        if (shape.Any(d => d < 0))
        {
            return InferenceError.Invalid($"{field}.shape", $"Input '{input.Name}' has a negative dimension in its shape {KServeTensor.FormatShape(shape)}.", received: KServeTensor.FormatShape(shape));
        }

        // Past int.MaxValue elements no body could hold the data.
        if (TensorElements.Count(shape) < 0)
        {
            return InferenceError.Invalid($"{field}.shape", $"Input '{input.Name}' has shape {KServeTensor.FormatShape(shape)}, more elements than any request may carry.", limit: int.MaxValue, received: KServeTensor.FormatShape(shape));
        }

        Result<TensorValue> value;
        if (input.Raw is { } raw)
        {
            value = KServeTensorBinary.Read(raw, element, shape, field, input.Name);
        }
        else if (input.Elements is { } elements)
        {
            value = element == TensorElement.String && elements.Count == TensorElements.Count(shape)
                ? new TensorValue(element, shape, ReadOnlyMemory<byte>.Empty, elements)
                : InferenceError.Invalid($"{field}.contents", $"Input '{input.Name}' has shape {KServeTensor.FormatShape(shape)}, which holds {TensorElements.Count(shape)} elements, but its bytes contents have {elements.Count}.", received: elements.Count);
        }
        else if (input.Json is { ValueKind: JsonValueKind.Array } data)
        {
            value = KServeTensorJson.Read(data, element, shape, field, input.Name);
        }
        else
        {
            return InferenceError.Invalid($"{field}.data", $"`{field}.data` is required for input '{input.Name}': an array of its elements, flat or nested (or binary data with the binary_data_size parameter).");
        }

        return value.IsSuccess
            ? new KServeTensor(index, input.Name, input.Datatype, value.Value, input.Parameters, binary: input.Json is null)
            : value.Error;
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
