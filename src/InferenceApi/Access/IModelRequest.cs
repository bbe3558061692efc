namespace InferenceApi.Access;

/// <summary>
/// A request body that names the model it runs on in <see cref="Model"/>: <see cref="ModelAccessFilter"/> checks the
/// caller may use it before the endpoint runs, on every route that binds such a body.
/// </summary>
public interface IModelRequest
{
    string? Model { get; }
}
