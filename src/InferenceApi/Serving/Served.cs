using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// What a gateway answers: the result, the model version that took the request (null when it was refused before a
/// model was leased, so that a refusal after the lease, such as a full queue, is still counted against its model),
/// and, when inputs ran or came from the cache, where they went. Gateways know nothing of HTTP: the endpoints write
/// the model and the report as headers, log fields and metric tags (<c>InferenceTelemetry</c>).
/// </summary>
public readonly record struct Served<T>(Result<T> Result, ModelVersion? Model = null, RunReport? Report = null)
{
    public static implicit operator Served<T>(InferenceError error) => new(error);

    /// <summary>The same model and report with the next step's result, when this one succeeded.</summary>
    public Served<TNext> Then<TNext>(Func<T, Result<TNext>> next) =>
        new(Result.IsSuccess ? next(Result.Value) : Result<TNext>.Fail(Result.Error), Model, Report);
}
