namespace InferenceApi.Access;

/// <summary>What a read of the keys file did: the keys in force afterwards, and why the file was refused when it was.</summary>
public sealed class ApiKeysReloadedEventArgs(bool applied, int keysInForce, IReadOnlyList<string> errors) : EventArgs
{
    /// <summary>Whether the file's keys replaced the previous ones; false when it was refused and the last good keys stay.</summary>
    public bool Applied { get; } = applied;

    public int KeysInForce { get; } = keysInForce;

    public IReadOnlyList<string> Errors { get; } = errors;
}
