using System.Text.Json;
using InferenceApi.Contracts;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Validation;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// KServe v2 for text-classification and feature-extraction models (<see cref="TextEncoderRuntime"/>). Clients send
/// either token ids (<c>input_ids</c> INT64 [batch, sequence], optional <c>attention_mask</c> that trims each row to
/// its real tokens, optional all-zero <c>token_type_ids</c>) or strings (<c>text</c> BYTES [batch], tokenized here;
/// parameter <c>truncate</c>). Each row becomes one scheduler item through <see cref="TextEncoderGateway"/>, so it
/// is cached and batched with every other request. Outputs: <c>logits</c> FP32 [batch, labels] (raw, before
/// softmax) or <c>embeddings</c> FP32 [batch, hidden] (masked mean pooling, not normalised).
/// </summary>
public sealed class TextEncoderKServeAdapter(TextEncoderGateway gateway, KServeRequestValidator kserve, RequestValidator validator)
    : KServeModelAdapter<TextEncoderRuntime>
{
    // The tensor inputs and the logits keep the graph's own names, so a client can send what the model takes.
    public const string InputIds = OptimumLayout.InputIds;
    public const string AttentionMask = OptimumLayout.AttentionMask;
    public const string TokenTypeIds = OptimumLayout.TokenTypeIds;
    public const string Text = "text";
    public const string Logits = OptimumLayout.Logits;
    public const string Embeddings = "embeddings";
    public const string TruncateParameter = "truncate";

    private static readonly string[] KnownInputs = [InputIds, AttentionMask, TokenTypeIds, Text];

    public override KServeModelSignature Describe(ModelDescription description)
    {
        // token_type_ids is accepted (all zeros) but not listed: clients that generate every listed input would send other values.
        KServeTensorMetadata[] inputs =
        [
            new(InputIds, KServeDatatype.Int64, [-1, -1]),
            new(AttentionMask, KServeDatatype.Int64, [-1, -1]),
            new(Text, KServeDatatype.Bytes, [-1]),
        ];
        var output = description.Task == ModelTask.TextClassification
            ? new KServeTensorMetadata(Logits, KServeDatatype.Fp32, [-1, description.Labels.Count])
            : new KServeTensorMetadata(Embeddings, KServeDatatype.Fp32, [-1, description.HiddenSize ?? -1]);
        return new KServeModelSignature(inputs, [output]);
    }

    protected override async Task<Served<IReadOnlyList<KServeOutput>>> InferAsync(
        ModelVersion model,
        TextEncoderRuntime runtime,
        ValidatedInferRequest request,
        CancellationToken cancellationToken)
    {
        foreach (var input in request.Inputs)
        {
            if (!KnownInputs.Contains(input.Name))
            {
                return InferenceError.Invalid(
                    $"{input.Field}.name",
                    $"'{input.Name}' is not an input of model '{model.Name}'. It takes {InputIds} (INT64 [batch, sequence]) with optional {AttentionMask} and {TokenTypeIds}, or {Text} (BYTES [batch]).",
                    received: input.Name);
            }
        }

        var encoded = request.Input(Text) is { } text ? EncodeText(runtime, request, text) : ReadIds(runtime, request);
        if (!encoded.IsSuccess)
        {
            return encoded.Error;
        }

        var run = await gateway.RunAsync(model, runtime, encoded.Value, cancellationToken).ConfigureAwait(false);
        var name = runtime.Description.Task == ModelTask.TextClassification ? Logits : Embeddings;
        return run.Then(done => Result<IReadOnlyList<KServeOutput>>.Ok([KServeOutput.Fp32Rows(name, done.Outputs)]));
    }

    private Result<EncodedInputs> EncodeText(TextEncoderRuntime runtime, ValidatedInferRequest request, KServeTensor text)
    {
        if (request.Inputs.FirstOrDefault(i => i.Name != Text) is { } other)
        {
            return InferenceError.Invalid(
                $"{other.Field}.name",
                $"Send either '{Text}' or token ids ('{InputIds}' with '{AttentionMask}'), not both; this request also has '{other.Name}'.",
                received: other.Name);
        }

        if (KServeRequestValidator.RequireDatatype(text, KServeDatatype.Bytes) is { } wrongType)
        {
            return wrongType;
        }

        // [batch] is the protocol's shape; [batch, 1] is what many Triton clients send for strings.
        if (text.Shape.Length is not (1 or 2) || (text.Shape.Length == 2 && text.Shape[1] != 1))
        {
            return InferenceError.Invalid($"{text.Field}.shape", $"Input '{Text}' must have shape [batch] (or [batch, 1]); it has {text.ShapeText}.", received: text.ShapeText);
        }

        var batch = kserve.BatchSize(text);
        if (!batch.IsSuccess)
        {
            return batch.Error;
        }

        var truncate = Truncate(text, request);
        if (!truncate.IsSuccess)
        {
            return truncate.Error;
        }

        var field = $"{text.Field}.data";
        var texts = validator.Texts(new TextInputs(text.Strings!, isSingle: false), field);
        return texts.IsSuccess ? runtime.Encode(texts.Value, truncate.Value, field) : texts.Error;
    }

    private static Result<bool> Truncate(KServeTensor text, ValidatedInferRequest request)
    {
        var (found, field) = text.Parameters?.TryGetValue(TruncateParameter, out var onInput) == true ? (onInput, $"{text.Field}.parameters.{TruncateParameter}")
            : request.Parameters?.TryGetValue(TruncateParameter, out var onRequest) == true ? (onRequest, $"parameters.{TruncateParameter}")
            : (default, null);
        if (field is null)
        {
            return false;
        }

        return found.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => InferenceError.Invalid(field, $"`{field}` must be true or false. Given: {JsonText.Excerpt(found)}", received: JsonText.Excerpt(found)),
        };
    }

    private Result<EncodedInputs> ReadIds(TextEncoderRuntime runtime, ValidatedInferRequest request)
    {
        if (request.Input(InputIds) is not { } ids)
        {
            return InferenceError.Invalid(
                "inputs",
                $"Input '{InputIds}' is missing: send '{InputIds}' (INT64 [batch, sequence], with optional '{AttentionMask}') or '{Text}' (BYTES [batch]).");
        }

        var mask = request.Input(AttentionMask);
        var types = request.Input(TokenTypeIds);
        KServeTensor[] present = [.. new[] { ids, mask, types }.OfType<KServeTensor>()];
        foreach (var tensor in present)
        {
            if (KServeRequestValidator.RequireDatatype(tensor, KServeDatatype.Int64) is { } wrongType)
            {
                return wrongType;
            }

            if (tensor.Shape.Length != 2)
            {
                return InferenceError.Invalid($"{tensor.Field}.shape", $"Input '{tensor.Name}' must have rank 2, [batch, sequence]; its shape is {tensor.ShapeText}.", received: tensor.ShapeText);
            }
        }

        var batch = kserve.BatchSize(present);
        if (!batch.IsSuccess)
        {
            return batch.Error;
        }

        foreach (var tensor in present)
        {
            if (tensor.Shape[1] != ids.Shape[1])
            {
                return InferenceError.Invalid(
                    $"{tensor.Field}.shape",
                    $"Input '{tensor.Name}' has shape {tensor.ShapeText} but '{InputIds}' has {ids.ShapeText}; they must be equal.",
                    limit: ids.ShapeText,
                    received: tensor.ShapeText);
            }
        }

        if (types is not null && Array.FindIndex(types.Integers!, t => t != 0) is var nonZero and >= 0)
        {
            return InferenceError.Invalid(
                $"{types.Field}.data[{nonZero}]",
                $"'{TokenTypeIds}' must be all zeros (single-segment inputs); element {nonZero} is {types.Integers![nonZero]}.",
                received: types.Integers![nonZero]);
        }

        if (mask is not null && Array.FindIndex(mask.Integers!, m => m is not (0 or 1)) is var badMask and >= 0)
        {
            return InferenceError.Invalid(
                $"{mask.Field}.data[{badMask}]",
                $"'{AttentionMask}' holds only 0 and 1; element {badMask} is {mask.Integers![badMask]}.",
                received: mask.Integers![badMask]);
        }

        return Rows(runtime, ids, mask, batch.Value);
    }

    /// <summary>One sequence per row: the positions the mask marks real (all of them without a mask), checked against the model.</summary>
    private static Result<EncodedInputs> Rows(TextEncoderRuntime runtime, KServeTensor ids, KServeTensor? mask, int batch)
    {
        var sequence = (int)ids.Shape[1];
        var max = runtime.Description.MaxSequenceLength;
        var vocabulary = runtime.Tokenizer.VocabularySize;
        var items = new TokenizedText[batch];
        for (var row = 0; row < batch; row++)
        {
            var tokens = new List<int>(sequence);
            for (var position = 0; position < sequence; position++)
            {
                var flat = (row * sequence) + position;
                if (mask is not null && mask.Integers![flat] == 0)
                {
                    continue;
                }

                var id = ids.Integers![flat];
                if (id < 0 || id >= vocabulary)
                {
                    return InferenceError.Invalid(
                        $"{ids.Field}.data[{flat}]",
                        $"Token id {id} at row {row}, position {position} of '{InputIds}' is outside the model's vocabulary [0, {vocabulary}).",
                        limit: vocabulary,
                        received: id);
                }

                tokens.Add((int)id);
            }

            if (tokens.Count == 0)
            {
                return InferenceError.Invalid($"{ids.Field}.data", $"Row {row} of '{InputIds}' has no real tokens (its attention_mask is all zeros).", received: 0);
            }

            if (tokens.Count > max)
            {
                return new InferenceError(
                    ErrorKind.InputTooLong,
                    $"Row {row} of '{InputIds}' has {tokens.Count} tokens but the model takes at most {max}.")
                {
                    Field = $"{ids.Field}.data",
                    Limit = max,
                    Received = tokens.Count,
                };
            }

            items[row] = new TokenizedText([.. tokens], tokens.Count);
        }

        return new EncodedInputs(items);
    }
}
