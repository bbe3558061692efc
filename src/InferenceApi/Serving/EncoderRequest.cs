using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// What every encoder endpoint asks of the gateway, before validation: the model, its texts (and the
/// field they came in, for error messages), truncation, and checks that need the loaded model.
/// </summary>
public sealed record EncoderRequest(
    string? Model,
    long? Version,
    TextInputs? Inputs,
    string InputsField,
    bool Truncate,
    ModelTask Task,
    Func<ModelDescription, InferenceError?>? Precheck = null);
