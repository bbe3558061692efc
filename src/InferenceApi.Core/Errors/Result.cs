using System.Diagnostics.CodeAnalysis;

namespace InferenceApi.Core.Errors;

/// <summary>A value or the <see cref="InferenceError"/> that prevented it.</summary>
public readonly struct Result<T>
{
    private Result(T? value, InferenceError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public InferenceError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(InferenceError error) => new(default, error);

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(InferenceError error) => Fail(error);
}
