namespace InferenceApi.Core.Templating;

/// <summary>A callable value: a global (<c>range</c>, <c>raise_exception</c>), a bound method (<c>'x'.strip</c>) or a macro.</summary>
internal delegate object? JinjaFunction(List<object?> arguments, Dictionary<string, object?> keywords);
