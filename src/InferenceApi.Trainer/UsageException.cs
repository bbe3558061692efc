namespace InferenceApi.Trainer;

/// <summary>
/// Options that parse but do not fit together (e.g. <c>--hidden</c> with <c>--init-from</c>); the CLI prints the
/// message as one <c>error:</c> line and exits with the usage code, like a parse error.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
