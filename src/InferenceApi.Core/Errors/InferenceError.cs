using System.Globalization;

namespace InferenceApi.Core.Errors;

/// <summary>
/// An expected failure, carried as a value rather than thrown. <see cref="Field"/>, <see cref="Limit"/>
/// and <see cref="Received"/> say what to change, in the manner of "`top_k` must be between 1 and 3. Given: 9".
/// </summary>
public sealed record InferenceError(ErrorKind Kind, string Message)
{
    /// <summary>The request field at fault, as a JSON path (e.g. <c>inputs[3]</c>), when one is.</summary>
    public string? Field { get; init; }

    /// <summary>The limit that was crossed, when one was.</summary>
    public object? Limit { get; init => field = Writable(value); }

    /// <summary>The value received, when showing it helps (never a whole input text).</summary>
    public object? Received { get; init => field = Writable(value); }

    /// <summary>For <see cref="ErrorKind.Overloaded"/> and <see cref="ErrorKind.ModelNotReady"/>: when to try again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For the rate-limit kinds: the quota that was exhausted, so every protocol can say how much is left and when.</summary>
    public QuotaState? Quota { get; init; }

    public static InferenceError Invalid(string field, string message, object? limit = null, object? received = null) =>
        new(ErrorKind.Validation, message) { Field = field, Limit = limit, Received = received };

    public static InferenceError ModelNotFound(string name) =>
        new(ErrorKind.NotFound, $"Model '{name}' does not exist. GET /v1/models lists the models this server serves.") { Field = "model", Received = name };

    /// <summary>
    /// A number JSON cannot carry (infinity, NaN) as its text, so that every writer can put the value in a body: a client
    /// gets one from a literal past double's range (<c>1e309</c>), or from narrowing a double to float (<c>1e39</c>).
    /// </summary>
    private static object? Writable(object? value) => value switch
    {
        double number when !double.IsFinite(number) => number.ToString(CultureInfo.InvariantCulture),
        float number when !float.IsFinite(number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value,
    };
}
